import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { bundleBudget } from '#infra/pipeline/lambda-bundling.ts';
import { testDeployment } from './synth-stack.ts';

interface Bundle {
  readonly handler: string;
  readonly code: string;
  readonly bytes: number;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { version: string }>;
};
const locked = (name: string) => lock.packages[`node_modules/${name}`]!.version;

let bundles: Bundle[];
const outdir = join(process.cwd(), 'cdk.out', `bundles-test-${process.pid}`);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

beforeAll(() => {
  // Prepare: synthesize with bundling, as `cdk synth` / `cdk deploy` do (esbuild, no Docker)
  const app = new App({
    outdir,
    context: { warehouse: testDeployment, '@aws-cdk/core:failSynthOnValidationErrors': false },
  });
  const { stack } = buildApp(app);
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  bundles = Object.values(template.findResources('AWS::Lambda::Function'))
    .filter((f) => f.Properties.Runtime === 'nodejs22.x')
    .map((f) => {
      // The code's S3 key is the asset hash: the bundle is cdk.out/asset.<hash>/index.mjs.
      const hash = String(f.Properties.Code.S3Key).replace(/\.zip$/, '');
      const file = join(assembly.directory, `asset.${hash}`, 'index.mjs');
      return {
        handler: String(f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME),
        code: readFileSync(file, 'utf8'),
        bytes: statSync(file).size,
      };
    });
}, 600_000);

describe('each synthesized function’s bundle', () => {
  it('exists for every pipeline function', () => {
    expect(bundles.map((b) => b.handler).sort()).toEqual(
      [
        'data-tests',
        'extract',
        'extract',
        'publish',
        'retention',
        'run-lock',
        'sla-alerts',
        'transform',
      ].sort(),
    );
  });

  it('carries the AWS SDK of the lock, not an import of the runtime’s', () => {
    for (const bundle of bundles) {
      expect(bundle.code, bundle.handler).toContain(
        `name:"@aws-sdk/client-s3",version:"${locked('@aws-sdk/client-s3')}"`,
      );
      // An external SDK would stay an import the runtime resolves (esbuild writes `from"…"` / `import("…")`).
      const imports = bundle.code.match(/\bfrom\s*"@aws-sdk\/[^"]*"|\bimport\(\s*"@aws-sdk\/[^"]*"\)/g) ?? [];
      expect(imports, bundle.handler).toEqual([]);
    }
    const athenaSteps = bundles.filter((b) => b.handler !== 'run-lock');
    for (const bundle of athenaSteps)
      expect(bundle.code, bundle.handler).toContain(
        `name:"@aws-sdk/client-athena",version:"${locked('@aws-sdk/client-athena')}"`,
      );
  });

  it('stays within its size budget', () => {
    for (const bundle of bundles)
      expect(bundle.bytes, `${bundle.handler}: ${bundle.bytes} bytes`).toBeLessThanOrEqual(
        bundleBudget(bundle.handler),
      );
  });
});
