import '#tests/functions/fixtures/lambda-process-env.ts';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCallRecorder, recordedRequests, runAs, toIamCalls } from '#rehearsal/call-recorder.ts';
import { type AwsCall, deniedCalls } from '#rehearsal/policy-check.ts';
import { serviceCalls } from '#rehearsal/service-calls.ts';
import { functionNamed, synthesizeModel } from '#rehearsal/stack-model.ts';
import { SENTIMENT_CHECKPOINT_KEY } from '#src/enrichment/sentiment/run-sentiment-stage.ts';
import { AuditLog } from '#src/governance/audit/audit-log.ts';
import { S3AuditSink } from '#src/governance/audit/s3/s3-audit-sink.ts';
import { RETENTION_STATE_KEY } from '#src/models/retention-state.ts';
import { testDeployment } from '#tests/infra/synth-stack.ts';
import { type RunningS3Server, startS3Server } from '#tests/stores/start-s3-server.ts';

const model = synthesizeModel(testDeployment);
const denials = async (calls: AwsCall[]) =>
  (await deniedCalls(model, calls)).map((d) => `${d.call.origin}: ${d.missing}`);

describe('the services the stack configures to act for it', () => {
  it('may each do what the stack asks of them (trail, alarms, dead-letter queues, logs, state machine)', async () => {
    // Prepare
    const calls = serviceCalls(model);

    // Act
    const denied = await denials(calls);

    // Assess
    expect(calls.map((c) => c.principal)).toEqual(
      expect.arrayContaining(['cloudtrail.amazonaws.com', 'cloudwatch.amazonaws.com', 'sns.amazonaws.com']),
    );
    expect(denied).toEqual([]);
  });
});

describe('the audit log a step appends to', () => {
  let s3: RunningS3Server;
  const extract = functionNamed(model, 'PipelineExtractZendeskFunction');
  const transform = functionNamed(model, 'PipelineTransformFunction');
  beforeAll(async () => {
    s3 = await startS3Server(extract.environment.AUDIT_BUCKET);
    installCallRecorder();
  });
  afterAll(() => s3?.close());

  it('is read (HEAD.json, the entries) and written with the calls each step role is allowed', async () => {
    // Prepare
    const sink = () =>
      new AuditLog(
        new S3AuditSink({
          bucket: extract.environment.AUDIT_BUCKET!,
          prefix: 'audit-log/',
          client: new S3Client({
            endpoint: s3.endpoint,
            region: model.region,
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED',
          }),
        }),
      );
    recordedRequests(true);

    // Act
    for (const fn of [extract, transform])
      await runAs(fn.roleArn, async () => {
        const log = sink();
        await log.append({
          role: 'pipeline',
          action: 'pipeline.stage',
          target: 'run-1/extract',
          outcome: 'success',
        });
        await log.append({
          role: 'pipeline',
          action: 'pipeline.stage',
          target: 'run-1/extract',
          outcome: 'success',
        });
      });
    const calls = recordedRequests(true).flatMap((r) => toIamCalls(model, r));

    // Assess
    expect(calls.map((c) => c.action)).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:ListBucket', 's3:PutObject']),
    );
    expect(await denials(calls)).toEqual([]);
  });
});

describe('the sentiment stage of the transform step', () => {
  it('may write its scored rows and its checkpoint into the lake', async () => {
    // Prepare
    const transform = functionNamed(model, 'PipelineTransformFunction');
    const lake = (JSON.parse(transform.environment.WAREHOUSE_CONFIG!) as { lake: { bucket: string } }).lake
      .bucket;
    const calls = [
      `landing/nlp/comment_sentiment/dt=2026-11-23/run-1-00001.jsonl.gz`,
      SENTIMENT_CHECKPOINT_KEY,
    ].map((key) => ({
      principal: transform.roleArn,
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${lake}/${key}`,
      origin: `sentiment stage writes ${key}`,
    }));

    // Act
    const denied = await denials(calls);

    // Assess
    expect(denied).toEqual([]);
  });
});

describe('the retention step', () => {
  it('may rewrite expired pages to their held records, set damaged files aside and record frozen months', async () => {
    // Prepare
    const retention = functionNamed(model, 'PipelineRetentionFunction');
    const lake = (JSON.parse(retention.environment.WAREHOUSE_CONFIG!) as { lake: { bucket: string } }).lake
      .bucket;
    const calls = [
      'raw/zendesk/tickets/dt=2026-11-23/run-1-000001.jsonl.gz',
      'landing/zendesk/tickets/dt=2026-11-23/run-1-00001.jsonl.gz',
      'quarantine/damaged/raw/zendesk/tickets/dt=2026-11-23/run-1-000002.jsonl.gz',
      RETENTION_STATE_KEY,
    ].map((key) => ({
      principal: retention.roleArn,
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${lake}/${key}`,
      origin: `retention writes ${key}`,
    }));

    // Act
    const denied = await denials(calls);

    // Assess
    expect(denied).toEqual([]);
  });
});
