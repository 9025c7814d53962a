import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { DeploymentConfigError, parseDeploymentConfig } from '#infra/config/deployment-config.ts';
import { synthStack, testDeployment } from './synth-stack.ts';

type Resource = { Properties: Record<string, unknown> };
const resources = (template: Template, type: string): Resource[] =>
  Object.values(template.findResources(type)) as Resource[];

const withRoles = (roles: unknown) => ({ ...testDeployment, roles }) as typeof testDeployment;
const named = (role: string) => ({ trustedPrincipals: [`arn:aws:iam::123456789012:role/${role}`] });

describe('synth refuses person roles without named trusted principals', () => {
  it('stops on an empty trustedPrincipals, naming the field', () => {
    // Prepare
    const roles = { analyst: named('A'), compliance: { trustedPrincipals: [] }, engineer: named('E') };
    const app = new App({ context: { warehouse: withRoles(roles) } });
    // Act + Assess
    expect(() => buildApp(app)).toThrow(DeploymentConfigError);
    expect(() => parseDeploymentConfig(withRoles(roles))).toThrow(
      /roles\.compliance\.trustedPrincipals: name at least one IAM principal allowed to assume the compliance role/,
    );
  });

  it('stops when a role or the whole roles section is missing', () => {
    expect(() => parseDeploymentConfig(withRoles({ analyst: named('A'), compliance: named('C') }))).toThrow(
      /roles\.engineer:/,
    );
    const { roles: _omitted, ...withoutRoles } = testDeployment;
    expect(() => parseDeploymentConfig(withoutRoles)).toThrow(/- roles:/);
  });

  it('refuses an account root ARN, which trusts the whole account as well', () => {
    const roles = {
      analyst: { trustedPrincipals: ['arn:aws:iam::123456789012:root'] },
      compliance: named('C'),
      engineer: named('E'),
    };
    expect(() => parseDeploymentConfig(withRoles(roles))).toThrow(
      /roles\.analyst\.trustedPrincipals\.0: an account root ARN trusts the whole account/,
    );
  });
});

describe('the synthesized access', () => {
  let template: Template;
  beforeAll(() => {
    template = synthStack({
      ...testDeployment,
      lakeFormation: { admins: ['arn:aws:iam::123456789012:role/LakeAdmins'] },
    }).template;
  });

  it('lets each person role be assumed by its named principals only, never by the account', () => {
    // Act
    const people = resources(template, 'AWS::IAM::Role').filter((r) =>
      /^support-kpi-(analyst|compliance|engineer)$/.test(String(r.Properties.RoleName)),
    );
    // Assess
    expect(people).toHaveLength(3);
    for (const role of people) {
      const trust = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
      expect(trust).not.toMatch(/:root/);
      const expected = { analyst: 'AnalystSso', compliance: 'ComplianceSso', engineer: 'EngineerSso' }[
        String(role.Properties.RoleName).replace('support-kpi-', '') as 'analyst'
      ];
      expect(trust).toContain(`arn:aws:iam::123456789012:role/${expected}`);
    }
  });

  it('adds the Lake Formation admins to the account’s, keeping its admins and default permissions', () => {
    // Act
    const settings = resources(template, 'AWS::LakeFormation::DataLakeSettings');
    // Assess
    expect(settings).toHaveLength(1);
    const props = settings[0]!.Properties;
    expect(props.MutationType).toBe('APPEND');
    expect(props.Admins).toEqual([
      { DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/LakeAdmins' },
    ]);
    expect(props).not.toHaveProperty('CreateDatabaseDefaultPermissions');
    expect(props).not.toHaveProperty('CreateTableDefaultPermissions');
  });

  it('leaves the account’s Lake Formation settings alone when no admin is configured', () => {
    const plain = synthStack(testDeployment).template;
    expect(resources(plain, 'AWS::LakeFormation::DataLakeSettings')).toHaveLength(0);
  });
});
