import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { DeploymentConfigError, parseDeploymentConfig } from '#infra/config/deployment-config.ts';
import { testDeployment } from './synth-stack.ts';

describe('the deployment configuration', () => {
  it('fills the documented defaults', () => {
    // Act
    const config = parseDeploymentConfig(testDeployment);
    // Assess
    expect(config.schedules.extract).toBe('rate(1 hour)');
    expect(config.retention.textMonths).toBe(12);
    expect(config.removalPolicy).toBe('retain');
  });

  it('stops cdk synth naming the invalid field', () => {
    // Prepare
    const app = new App({ context: { warehouse: { ...testDeployment, account: '12345' } } });
    // Act + Assess
    expect(() => buildApp(app)).toThrow(DeploymentConfigError);
    expect(() =>
      buildApp(new App({ context: { warehouse: { ...testDeployment, account: '12345' } } })),
    ).toThrow(/account: a 12-digit AWS account id/);
  });

  it('refuses QuickSight enabled without anyone to share it with', () => {
    expect(() => parseDeploymentConfig({ ...testDeployment, quicksight: { enabled: true } })).toThrow(
      /quicksight: QuickSight is enabled but no analyst or compliance principal/,
    );
  });
});
