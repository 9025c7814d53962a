import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import {
  acknowledgeListedWildcards,
  acknowledgementFor,
  type WildcardAcknowledgement,
  wildcardFindings,
} from '#infra/nag/acknowledge-wildcards.ts';
import { wildcardAcknowledgements } from '#infra/nag/wildcard-acknowledgements.ts';
import { synthStack, testDeployment } from './synth-stack.ts';

interface ValidationReport {
  pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
}

function findingsOf(outdir: string): string[] {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)),
  );
}

/** A probe stack with one role holding `statement`, checked with the hand list `list`. */
function probe(statement: iam.PolicyStatement, list: readonly WildcardAcknowledgement[]): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-nag-iam5-'));
  const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const stack = new Stack(app, 'Probe', { env: { account: '123456789012', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'ReaderRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  role.addToPrincipalPolicy(statement);
  acknowledgeListedWildcards(stack, list);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return findingsOf(outdir).filter((f) => f.startsWith('AwsSolutions-IAM5'));
}

const readAll = new iam.PolicyStatement({
  actions: ['s3:GetObject'],
  resources: ['arn:aws:s3:::example-bucket/*'],
});

describe('IAM wildcards are acknowledged by hand, one by one', () => {
  it('reports a wildcard that no entry names', () => {
    // Act
    const findings = probe(readAll, [
      { principal: 'ReaderRole', finding: 'Resource::arn:aws:s3:::other-bucket/*', reason: 'another bucket' },
    ]);
    // Assess
    expect(findings).toEqual([
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::example-bucket/*] at Probe/ReaderRole/DefaultPolicy/Resource',
    ]);
  });

  it('accepts the wildcard an entry names for that principal, and only for it', () => {
    // Prepare
    const entry = {
      principal: 'ReaderRole',
      finding: 'Resource::arn:aws:s3:::example-bucket/*',
      reason: 'reads',
    };
    // Act
    const accepted = probe(readAll, [entry]);
    const otherPrincipal = probe(readAll, [{ ...entry, principal: 'WriterRole' }]);
    // Assess
    expect(accepted).toEqual([]);
    expect(otherPrincipal).toHaveLength(1);
  });

  it('fails the warehouse stack when a new wildcard statement is added to one of its roles', () => {
    // Prepare: the stack as deployed, plus one unreviewed grant
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-nag-stack-'));
    const app = new App({
      outdir,
      context: {
        warehouse: testDeployment,
        'aws:cdk:bundling-stacks': [],
        '@aws-cdk/core:failSynthOnValidationErrors': false,
      },
    });
    const { stack } = buildApp(app);
    stack.pipeline.pipelineRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:*'], resources: ['*'] }),
    );
    // Act
    app.synth();
    // Assess: only the new action is reported (its Resource::* is the listed one of this role)
    expect(findingsOf(outdir).filter((f) => f.startsWith('AwsSolutions-IAM5'))).toEqual([
      'AwsSolutions-IAM5[Action::sqs:*] at SupportKpiWarehouse/Pipeline/PipelineRole/DefaultPolicy/Resource',
    ]);
  });

  it('has no entry that matches nothing in the stack (a removed wildcard takes its entry with it)', () => {
    // Prepare: every optional part that brings a wildcard switched on (Comprehend for sentiment)
    const { app } = synthStack({ ...testDeployment, warehouse: { sentiment: { analyser: 'comprehend' } } });
    const used = new Set<WildcardAcknowledgement>();
    // Act
    for (const policy of app.node.findAll().filter((c) => c instanceof iam.CfnPolicy)) {
      const path = policy.node.path.replace(/^SupportKpiWarehouse\//, '');
      const document = Stack.of(policy).resolve(policy.policyDocument);
      for (const finding of wildcardFindings(document)) {
        const entry = acknowledgementFor(wildcardAcknowledgements, path, finding, {
          account: testDeployment.account,
          region: testDeployment.region,
        });
        if (entry) used.add(entry);
      }
    }
    // Assess
    expect(
      wildcardAcknowledgements.filter((e) => !used.has(e)).map((e) => `${e.principal} ${e.finding}`),
    ).toEqual([]);
  });
});
