import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { tableClassTagKey } from '#functions/common/lambda-runtime.ts';
import { classTag } from '#infra/access/warehouse-access.ts';

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/** Synthesize a stack under the app's cdk-nag setup and read the validation report it writes. */
function validate(build: (stack: Stack) => void): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-nag-'));
  const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  build(new Stack(app, 'Probe', { env: { account: '123456789012', region: 'eu-west-1' } }));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)),
  );
}

describe('cdk-nag under the app’s validation setup', () => {
  it('reports a bucket that allows requests without TLS, so the stack’s empty report means something', () => {
    // Act
    const findings = validate((stack) => {
      new s3.Bucket(stack, 'Careless', {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
      });
    });
    // Assess
    expect(findings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S10 at Probe\/Careless/)]),
    );
    expect(findings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 at Probe\/Careless/)]),
    );
  });

  it('stops reporting the TLS rule once the bucket enforces TLS', () => {
    // Act
    const findings = validate((stack) => {
      new s3.Bucket(stack, 'Careful', {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
      });
    });
    // Assess
    expect(findings.filter((f) => f.startsWith('AwsSolutions-S10 '))).toEqual([]);
  });
});

describe('tables the runner creates', () => {
  it('are tagged with the LF-Tag key the stack grants by', () => {
    expect(tableClassTagKey).toBe(classTag.key);
  });
});
