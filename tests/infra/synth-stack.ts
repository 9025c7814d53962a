import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '#infra/app.ts';
import type { DeploymentConfigInput } from '#infra/config/deployment-config.ts';

export const testDeployment: DeploymentConfigInput = {
  name: 'support-kpi',
  account: '123456789012',
  region: 'eu-west-1',
  sources: {
    zendesk: { baseUrl: 'https://example.zendesk.com', startDate: '2026-08-01' },
    hubspot: { startDate: '2026-08-01' },
  },
  roles: {
    analyst: { trustedPrincipals: ['arn:aws:iam::123456789012:role/AnalystSso'] },
    compliance: { trustedPrincipals: ['arn:aws:iam::123456789012:role/ComplianceSso'] },
    engineer: { trustedPrincipals: ['arn:aws:iam::123456789012:role/EngineerSso'] },
  },
  alerts: { email: 'data@example.com', staleAfterHours: 26 },
  quicksight: {
    enabled: true,
    analystPrincipals: ['arn:aws:quicksight:eu-west-1:123456789012:group/default/analysts'],
  },
};

export interface SynthesizedStack {
  readonly template: Template;
  readonly outdir: string;
  readonly app: App;
}

/**
 * Synthesize the app from an inline configuration without bundling the handlers (bundling has its
 * own test), with the validation report written instead of failing the synthesis.
 */
export function synthStack(config: DeploymentConfigInput = testDeployment): SynthesizedStack {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-test-'));
  const app = new App({
    outdir,
    context: {
      warehouse: config,
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
  const { stack } = buildApp(app);
  app.synth();
  return { template: Template.fromStack(stack), outdir, app };
}
