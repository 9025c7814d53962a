import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GlueColumn, landingGlueTable } from '#src/engines/landing-sources.ts';
import { type LandingStream, landingStreams, landingTableName } from '#src/landing/landing-schemas.ts';
import { type SynthesizedStack, synthStack } from './synth-stack.ts';

let synth: SynthesizedStack;
let template: Template;

beforeAll(() => {
  synth = synthStack();
  template = synth.template;
});

type Resource = { Properties: Record<string, unknown> };
const resources = (type: string): Resource[] => Object.values(template.findResources(type)) as Resource[];

describe('the warehouse stack secures its storage', () => {
  it('encrypts with a customer-managed key that rotates', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('blocks public access on every bucket and encrypts every bucket', () => {
    const buckets = resources('AWS::S3::Bucket');
    expect(buckets).toHaveLength(6);
    for (const bucket of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toBeDefined();
    }
    const kmsEncrypted = buckets.filter((b) =>
      JSON.stringify(b.Properties.BucketEncryption).includes('aws:kms'),
    );
    expect(kmsEncrypted).toHaveLength(5);
  });

  it('denies every request without TLS on every bucket', () => {
    const policies = resources('AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(6);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('logs server access of the data buckets to the access-log bucket', () => {
    const logged = resources('AWS::S3::Bucket').filter((b) => b.Properties.LoggingConfiguration);
    expect(logged).toHaveLength(5);
  });

  it('keeps the audit bucket versioned under Object Lock in compliance mode', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1825 } },
      },
    });
  });

  it('expires raw pages and text streams at the text window and aborts incomplete uploads', () => {
    const raw = resources('AWS::S3::Bucket').find((b) =>
      JSON.stringify(b.Properties.LifecycleConfiguration ?? {}).includes('expire-raw-pages'),
    );
    const rules = (raw!.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: 'raw/', ExpirationInDays: 365 }));
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: 'landing/zendesk/comment_texts/', ExpirationInDays: 365 }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: 'landing/zendesk/tickets/', ExpirationInDays: 730 }),
    );
    for (const bucket of resources('AWS::S3::Bucket')) {
      expect(JSON.stringify(bucket.Properties.LifecycleConfiguration)).toContain(
        'AbortIncompleteMultipartUpload',
      );
    }
  });

  it('retains the data buckets and the key on stack deletion by default', () => {
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
});

/** The fields of a synthesized AWS::Glue::Table's TableInput this file reads. */
interface GlueTableInput {
  readonly Name: string;
  readonly Description: string;
  readonly TableType: string;
  readonly PartitionKeys: unknown;
  readonly Parameters: Record<string, unknown>;
  readonly StorageDescriptor: {
    readonly Columns: unknown;
    readonly SerdeInfo: unknown;
    readonly InputFormat: string;
    readonly OutputFormat: string;
    readonly Compressed: boolean;
  };
}

describe('the catalog renders the landing declaration', () => {
  it('declares one JSON table per landing stream, partition-projected on dt', () => {
    const tables = resources('AWS::Glue::Table');
    expect(tables).toHaveLength(Object.keys(landingStreams).length);
    const tickets = landingStreams.tickets;
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: landingTableName(tickets),
        PartitionKeys: [Match.objectLike({ Name: 'dt', Type: 'string' })],
        Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.dt.type': 'date' }),
        StorageDescriptor: Match.objectLike({
          SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }),
          Columns: Object.keys(tickets.columns).map((name) => Match.objectLike({ Name: name })),
        }),
      }),
    });
  });

  it('declares each landing table exactly as the one Glue renderer the Athena DDL is printed from', () => {
    // Prepare
    const byName = new Map(
      resources('AWS::Glue::Table').map((t) => {
        const input = t.Properties.TableInput as GlueTableInput;
        return [input.Name, input];
      }),
    );
    for (const stream of Object.values(landingStreams) as LandingStream[]) {
      // Act
      const expected = landingGlueTable(stream, 's3://bucket/landing/x/');
      const input = byName.get(landingTableName(stream)) as GlueTableInput;
      const sd = input.StorageDescriptor;
      const glue = (c: GlueColumn) => ({ Name: c.name, Type: c.type, Comment: c.comment });
      // Assess
      expect(input.Description).toBe(expected.description);
      expect(input.TableType).toBe('EXTERNAL_TABLE');
      expect(input.PartitionKeys).toEqual(expected.partitionKeys.map(glue));
      expect(sd.Columns).toEqual(expected.storageDescriptor.columns.map(glue));
      expect(sd.SerdeInfo).toEqual({
        SerializationLibrary: expected.storageDescriptor.serdeInfo.serializationLibrary,
        Parameters: { 'ignore.malformed.json': 'FALSE', 'case.insensitive': 'FALSE' },
      });
      expect([sd.InputFormat, sd.OutputFormat, sd.Compressed]).toEqual([
        expected.storageDescriptor.inputFormat,
        expected.storageDescriptor.outputFormat,
        true,
      ]);
      // The location and the projection start are the deployment's (its bucket, its sources' start date).
      const {
        'storage.location.template': _,
        'projection.dt.range': __,
        ...parameters
      } = expected.parameters;
      expect(input.Parameters).toMatchObject(parameters);
      expect(input.Parameters['projection.dt.range']).toMatch(/^\d{4}-\d{2}-\d{2},NOW$/);
    }
  });

  it('enforces each workgroup with encrypted results and a bytes-scanned cutoff', () => {
    const workgroups = resources('AWS::Athena::WorkGroup');
    expect(workgroups.map((w) => w.Properties.Name).sort()).toEqual([
      'support-kpi-analyst',
      'support-kpi-compliance',
      'support-kpi-engineer',
      'support-kpi-pipeline',
    ]);
    for (const wg of workgroups) {
      const c = wg.Properties.WorkGroupConfiguration as Record<string, any>;
      expect(c.EnforceWorkGroupConfiguration).toBe(true);
      expect(c.BytesScannedCutoffPerQuery).toBe(10_000_000_000);
      expect(c.ResultConfiguration.EncryptionConfiguration.EncryptionOption).toBe('SSE_KMS');
    }
  });
});

describe('access follows the governance policy', () => {
  const grantsOf = (roleLogicalPrefix: string) =>
    resources('AWS::LakeFormation::PrincipalPermissions').filter((p) =>
      JSON.stringify(p.Properties.Principal).includes(roleLogicalPrefix),
    );

  it('grants compliance the restricted landing tables and analysts none of them', () => {
    const compliance = JSON.stringify(grantsOf('AccessComplianceRole'));
    const analyst = JSON.stringify(grantsOf('AccessAnalystRole'));
    expect(compliance).toContain('landing_zendesk__user_pii');
    expect(analyst).not.toContain('landing_zendesk__user_pii');
    expect(analyst).not.toContain('landing_zendesk__comment_texts');
  });

  it('tags restricted landing tables so tag grants never widen them', () => {
    template.hasResourceProperties('AWS::LakeFormation::TagAssociation', {
      LFTags: [Match.objectLike({ TagKey: 'warehouse_class', TagValues: ['restricted'] })],
      Resource: { Table: Match.objectLike({ Name: 'landing_zendesk__user_pii' }) },
    });
    template.hasResourceProperties('AWS::LakeFormation::TagAssociation', {
      LFTags: [Match.objectLike({ TagValues: ['unclassified'] })],
      Resource: { Database: Match.objectLike({ Name: 'support_kpi' }) },
    });
  });

  it('lets the pipeline role tag the tables it creates (IAM lakeformation:AddLFTagsToResource)', () => {
    const policies = resources('AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('PipelineRole'),
    );
    expect(JSON.stringify(policies)).toContain('lakeformation:AddLFTagsToResource');
  });

  it('binds each role to its own workgroup only', () => {
    const policies = resources('AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('AccessAnalystRole'),
    );
    const text = JSON.stringify(policies);
    expect(text).toContain('workgroup/support-kpi-analyst');
    expect(text).not.toContain('workgroup/support-kpi-compliance');
  });
});

describe('the pipeline runs on schedule with failure paths', () => {
  it('starts the state machine hourly and daily, and Iceberg maintenance daily, with a dead-letter queue', () => {
    const schedules = resources('AWS::Scheduler::Schedule');
    expect(schedules.map((s) => s.Properties.ScheduleExpression).sort()).toEqual([
      'cron(30 2 * * ? *)',
      'cron(30 4 * * ? *)',
      'rate(1 hour)',
    ]);
    const maintenance = schedules.find((s) => s.Properties.ScheduleExpression === 'cron(30 4 * * ? *)');
    const input = (maintenance?.Properties.Target as { Input?: string } | undefined)?.Input ?? '{}';
    expect(JSON.parse(input)).toEqual({
      action: 'maintenance',
      runId: '<aws.scheduler.execution-id>',
    });
    for (const schedule of schedules) {
      const target = schedule.Properties.Target as Record<string, any>;
      expect(target.DeadLetterConfig.Arn).toBeDefined();
      expect(target.RetryPolicy.MaximumRetryAttempts).toBe(3);
    }
  });

  it('runs every function on nodejs22.x with a log group of fixed retention', () => {
    const functions = resources('AWS::Lambda::Function').filter((f) => f.Properties.Runtime === 'nodejs22.x');
    // the run lock, extract × 2 sources, transform, data tests, publish, SLA alerts, retention
    expect(functions.length).toBe(8);
    const retained = resources('AWS::Logs::LogGroup').filter((g) => g.Properties.RetentionInDays === 365);
    expect(retained.length).toBeGreaterThanOrEqual(7);
    for (const group of resources('AWS::Logs::LogGroup'))
      expect(group.Properties.RetentionInDays).toBeDefined();
  });

  it('sends failed runs to SNS and does not retry invalid input or failed data tests', () => {
    const machine = resources('AWS::StepFunctions::StateMachine')[0]!;
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toContain('NotifyFailure');
    expect(definition).toContain('DataTestsFailedError');
    expect(definition).toContain('MorePages-zendesk');
  });

  it('evaluates the SLA alert after publishing and before retention', () => {
    const machine = resources('AWS::StepFunctions::StateMachine')[0]!;
    const definition = JSON.parse(
      (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
        .map((part) => (typeof part === 'string' ? part : 'token'))
        .join(''),
    ) as { States: Record<string, { Next?: string }> };
    const next = (state: string) => definition.States[state]?.Next;
    expect(next('Publish')).toBe('SlaAlerts');
    expect(next('SlaAlerts')).toBe('Retention');
  });

  it('alarms on failed runs, dead-lettered schedules, runs refused for hours and stale data', () => {
    const alarms = resources('AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(4);
    // One refused run is routine (the hourly extract during the nightly run); three hours of them are not.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RunRefused',
      Dimensions: [{ Name: 'service', Value: 'run-lock' }],
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PublishSucceeded',
      TreatMissingData: 'breaching',
      EvaluationPeriods: 26,
    });
  });

  it('records data events on the data buckets with log-file validation', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EnableLogFileValidation: true,
      EventSelectors: Match.arrayWith([
        Match.objectLike({ DataResources: [Match.objectLike({ Type: 'AWS::S3::Object' })] }),
      ]),
    });
  });

  it('creates QuickSight datasets for the scorecard and the KPI values when enabled', () => {
    const sets = resources('AWS::QuickSight::DataSet').map((s) => s.Properties.DataSetId);
    expect(sets.sort()).toEqual(['support-kpi-kpi-scorecard', 'support-kpi-kpi-values']);
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions or Serverless finding', () => {
    const report = JSON.parse(readFileSync(join(synth.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
      }[];
    };
    const findings = report.pluginReports
      .filter((p) => p.pluginName !== 'CloudFormation Validate')
      .flatMap((p) =>
        p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)),
      );
    expect(findings).toEqual([]);
  });
});
