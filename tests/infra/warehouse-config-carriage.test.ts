import '#tests/functions/fixtures/lambda-process-env.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaSettings } from '#functions/common/lambda-environment.ts';
import { buildApp } from '#infra/app.ts';
import { type DeploymentConfigInput, parseDeploymentConfig } from '#infra/config/deployment-config.ts';
import { INLINE_CONFIG_MAX_BYTES } from '#infra/config/warehouse-config-carrier.ts';
import { deniedCalls } from '#rehearsal/policy-check.ts';
import { type CfnTemplate, type TemplateModel, templateModel } from '#rehearsal/template-model.ts';
import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import { testDeployment } from './synth-stack.ts';

/** A deployment's warehouse section touching every part the stack used to drop. */
const warehouse = {
  desk: { reportingTimeZone: 'Europe/Berlin', groupTiers: { 'Front Desk': 'L1', 'Second Line': 'L2' } },
  sla: {
    schedules: {
      berlin: { timeZone: 'Europe/Berlin', hours: [{ days: ['mon', 'fri'], open: '08:00', close: '17:00' }] },
    },
    policies: [{ name: 'standard', firstReplyTargetS: 3600, resolutionTargetS: 86400, schedule: 'berlin' }],
  },
  kpis: { catalogue: { csat_rate: { targets: [{ target: 0.93 }] } } },
  sentiment: { analyser: 'comprehend' },
  governance: { legalHolds: [{ customerKey: 'ck_held', reason: 'case 42' }] },
  sources: { zendesk: { customFields: { category: 111, language: 222 } } },
};

interface Synthesized {
  readonly template: CfnTemplate;
  readonly model: TemplateModel;
  readonly outdir: string;
}

function synth(deployment: DeploymentConfigInput): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-config-'));
  const app = new App({
    outdir,
    context: {
      warehouse: deployment,
      'aws:cdk:bundling-stacks': [],
      // As `cdk synth` does: name each asset's staged folder in the template.
      'aws:cdk:enable-asset-metadata': true,
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
  const { stack } = buildApp(app);
  const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
  return { template, model: templateModel(template, stack.account, stack.region), outdir };
}

/**
 * The configuration each function parses, by the handlers' own loader (`lambdaSettings`) from the
 * environment the template gives it, a layer file read from the asset `cdk deploy` would upload.
 */
function functionConfigs({ template, model, outdir }: Synthesized): Map<string, WarehouseConfig> {
  const configs = new Map<string, WarehouseConfig>();
  for (const [id, fn] of model.functions()) {
    const environment = { ...fn.environment };
    const layers = (template.Resources[id]?.Properties?.Layers ?? []) as { Ref: string }[];
    if (environment.WAREHOUSE_CONFIG_FILE) {
      expect(layers).toHaveLength(1);
      const layer = template.Resources[layers[0]!.Ref] as { Type: string; Metadata?: Record<string, string> };
      expect(layer.Type).toBe('AWS::Lambda::LayerVersion');
      const dir = join(outdir, layer.Metadata?.['aws:asset:path'] ?? 'missing-asset');
      environment.WAREHOUSE_CONFIG_FILE = environment.WAREHOUSE_CONFIG_FILE.replace('/opt', dir);
    }
    configs.set(id, lambdaSettings(id, environment).config);
  }
  return configs;
}

const cache = new Map<string, Synthesized>();
/** Each deployment synthesized once for the whole file (a synth takes seconds). */
const synthOnce = (name: string, deployment: DeploymentConfigInput) => {
  if (!cache.has(name)) cache.set(name, synth(deployment));
  return cache.get(name)!;
};
const holds = Array.from({ length: 120 }, (_, i) => ({
  customerKey: `ck_${i}`.padEnd(40, 'x'),
  reason: `matter ${i}`,
}));
const withWarehouse = () => synthOnce('warehouse', { ...testDeployment, warehouse });
const withManyHolds = () =>
  synthOnce('many-holds', {
    ...testDeployment,
    warehouse: { ...warehouse, governance: { legalHolds: holds } },
  });
const plain = () => synthOnce('plain', testDeployment);

const envBytes = (environment: Record<string, string>) =>
  Object.entries(environment).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

describe('the deployment carries the whole warehouse configuration', () => {
  let small: Synthesized;
  let large: Synthesized;
  beforeAll(() => {
    small = withWarehouse();
    large = withManyHolds();
  });

  it('gives every function the desk, SLA, KPI, hold, sentiment and connector settings', () => {
    // Act
    const configs = functionConfigs(small);
    // Assess
    expect(configs.size).toBeGreaterThanOrEqual(7);
    for (const config of configs.values()) {
      expect(config.desk.reportingTimeZone).toBe('Europe/Berlin');
      expect(config.desk.groupTiers).toEqual({ 'Front Desk': 'L1', 'Second Line': 'L2' });
      expect(config.sla.policies.map((p) => [p.name, p.schedule])).toEqual([['standard', 'berlin']]);
      expect(config.kpis.catalogue.csat_rate?.targets).toEqual([
        { breakdown: 'overall', value: 'all', target: 0.93 },
      ]);
      expect(config.governance.legalHolds).toEqual([{ customerKey: 'ck_held', reason: 'case 42' }]);
      expect(config.sentiment.analyser).toBe('comprehend');
      expect(config.sources.zendesk?.customFields).toEqual({ category: 111, language: 222 });
      expect(config.sources.zendesk?.baseUrl).toBe('https://example.zendesk.com');
      expect(config.lake.kind).toBe('s3');
      expect(config.engine.kind).toBe('athena');
    }
  });

  it('keeps a small configuration in the environment', () => {
    for (const [, fn] of small.model.functions()) {
      expect(fn.environment.WAREHOUSE_CONFIG_FILE).toBeUndefined();
      expect(envBytes(fn.environment)).toBeLessThan(4096);
    }
  });

  it('moves a configuration too large for Lambda’s 4 KB environment into a layer file', () => {
    // Prepare
    const inline = Buffer.byteLength(JSON.stringify({ ...warehouse, governance: { legalHolds: holds } }));
    // Act
    const configs = functionConfigs(large);
    // Assess
    expect(inline).toBeGreaterThan(INLINE_CONFIG_MAX_BYTES);
    for (const [id, fn] of large.model.functions()) {
      expect(fn.environment.WAREHOUSE_CONFIG_FILE).toBe('/opt/warehouse-config/config.json');
      expect(envBytes(fn.environment)).toBeLessThan(4096 - 1024);
      const config = configs.get(id)!;
      expect(config.governance.legalHolds).toHaveLength(120);
      expect(config.desk.reportingTimeZone).toBe('Europe/Berlin');
      // The stack's own lake wins over anything in the file.
      expect(config.lake).toMatchObject({
        kind: 's3',
        bucket: JSON.parse(fn.environment.WAREHOUSE_CONFIG!).lake.bucket,
      });
    }
  });
});

describe('a function whose configuration file cannot be read', () => {
  it('stops before any work, naming the variable', () => {
    // Prepare
    const [id, fn] = [...withManyHolds().model.functions()][0]!;
    const environment = { ...fn.environment, WAREHOUSE_CONFIG_FILE: '/nonexistent/warehouse-config.json' };
    // Act + Assess
    expect(() => lambdaSettings(id, environment)).toThrow(/WAREHOUSE_CONFIG_FILE: cannot read it as JSON/);
  });
});

describe('a deployment whose warehouse section is wrong stops synth naming the field', () => {
  const deploying = (section: Record<string, unknown>) => () =>
    parseDeploymentConfig({ ...testDeployment, warehouse: section });

  it('checks the section with the local configuration’s schema', () => {
    expect(deploying({ desk: { reportingTimeZone: 'Mars/Olympus' } })).toThrow(
      /warehouse\.desk\.reportingTimeZone:/,
    );
    expect(
      deploying({
        sla: { policies: [{ name: 'x', firstReplyTargetS: 1, resolutionTargetS: 1, schedule: 'nowhere' }] },
      }),
    ).toThrow(/warehouse\.sla\.policies\.0\.schedule: schedule "nowhere" is not defined/);
    expect(deploying({ kpis: { catalogue: { happiness: { weight: 2 } } } })).toThrow(
      /warehouse\.kpis\.catalogue\.happiness: unknown KPI/,
    );
    expect(() =>
      buildApp(
        new App({
          context: { warehouse: { ...testDeployment, warehouse: { sentiment: { analyser: 'gpt' } } } },
        }),
      ),
    ).toThrow(/warehouse\.sentiment\.analyser/);
  });

  it('refuses what the stack decides itself, saying where it is set', () => {
    expect(deploying({ lake: { kind: 'local' } })).toThrow(/warehouse\.lake: set by the stack/);
    expect(deploying({ governance: { retention: { factsMonths: 13 } } })).toThrow(
      /warehouse\.governance\.retention\.factsMonths: set by retention\.factsMonths/,
    );
    expect(deploying({ sources: { zendesk: { baseUrl: 'https://other.zendesk.com' } } })).toThrow(
      /warehouse\.sources\.zendesk\.baseUrl: set in sources\.zendesk\.baseUrl/,
    );
    expect(deploying({ sources: { freshdesk: {} } })).toThrow(
      /warehouse\.sources\.freshdesk: the deployment extracts no source/,
    );
  });
});

describe('sentiment by Comprehend', () => {
  const call = (model: TemplateModel, prefix: string) => {
    const [id, fn] = [...model.functions()].find(([fid]) => fid.startsWith(prefix))!;
    return {
      principal: fn.roleArn,
      action: 'comprehend:BatchDetectSentiment',
      resource: '*',
      context: { 'lambda:SourceFunctionArn': model.arnOf(id) },
      origin: `${prefix} → Comprehend BatchDetectSentiment`,
    };
  };

  it('may be called from the transform function, where the sentiment stage runs, and from no other', async () => {
    // Prepare
    const { model } = withWarehouse();
    // Act
    const denied = await deniedCalls(model, [
      call(model, 'PipelineTransformFunction'),
      call(model, 'PipelinePublishFunction'),
      call(model, 'PipelineExtractZendeskFunction'),
    ]);
    // Assess
    expect(denied.map((d) => d.call.origin)).toEqual([
      'PipelinePublishFunction → Comprehend BatchDetectSentiment',
      'PipelineExtractZendeskFunction → Comprehend BatchDetectSentiment',
    ]);
  });

  it('leaves cdk-nag nothing unacknowledged, the layer of a large configuration included', () => {
    for (const synthesized of [withWarehouse(), withManyHolds()]) {
      // Prepare
      const report = JSON.parse(readFileSync(join(synthesized.outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: {
          pluginName: string;
          violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
        }[];
      };
      // Act
      const findings = report.pluginReports
        .filter((p) => p.pluginName !== 'CloudFormation Validate')
        .flatMap((p) =>
          p.violations.flatMap((v) =>
            v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`),
          ),
        );
      // Assess
      expect(findings).toEqual([]);
    }
  });

  it('is not allowed at all while the local lexicon analyses', async () => {
    const { model } = plain();
    const denied = await deniedCalls(model, [call(model, 'PipelineTransformFunction')]);
    expect(denied).toHaveLength(1);
  });
});

describe('legal holds and S3 lifecycle', () => {
  const rawRules = (template: CfnTemplate) => {
    const raw = Object.entries(template.Resources).find(
      ([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('StorageRaw'),
    )![1];
    const lifecycle = raw.Properties?.LifecycleConfiguration as
      | { Rules?: Record<string, unknown>[] }
      | undefined;
    return lifecycle?.Rules ?? [];
  };

  it('expires nothing that can hold a customer’s records while a hold is in force', () => {
    // Prepare
    const held = withWarehouse();
    const free = plain();
    // Act
    const heldRules = rawRules(held.template);
    const freeRules = rawRules(free.template);
    // Assess
    expect(freeRules.filter((r) => r.ExpirationInDays !== undefined).length).toBeGreaterThan(5);
    expect(
      heldRules.filter((r) => r.ExpirationInDays !== undefined || r.ExpirationDate !== undefined),
    ).toEqual([]);
    expect(heldRules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    );
  });
});
