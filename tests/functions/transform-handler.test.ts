import '#tests/functions/fixtures/lambda-process-env.ts';
import { gzipSync } from 'node:zlib';
import { AddLFTagsToResourceCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearSecretCache } from '#functions/common/load-secrets.ts';
import { handler } from '#functions/transform.ts';
import { loadModels } from '#src/models/load-models.ts';
import { fakeAthena, rowsOf } from './fixtures/fake-athena.ts';
import {
  auditEntries,
  buckets,
  database,
  hmacKey,
  type LambdaWorld,
  lambdaContext,
  secretArns,
  startLambdaWorld,
  workgroup,
} from './fixtures/lambda-world.ts';

const models = loadModels('sql');
/** Athena fails the CTAS of this model when set. */
let failingModel: string | undefined;
const athena = fakeAthena((sql) => {
  if (failingModel && sql.startsWith(`CREATE TABLE "${failingModel}__v__`)) {
    return { fail: `COLUMN_NOT_FOUND: line 12:8: Column 'first_reply_at' cannot be resolved` };
  }
  if (/^SELECT count\(\*\) AS n FROM/.test(sql)) return rowsOf([['n', 'bigint']], [['3']]);
  // Nothing exists yet: every table is built and swapped in, nothing is merged.
  return undefined;
});
const secrets = mockClient(SecretsManagerClient);
const lakeFormation = mockClient(LakeFormationClient);
/** Each tag, with how many Athena statements had run when it was set. */
const tags: { table: string; value: string; afterStatements: number }[] = [];
let world: LambdaWorld;

beforeAll(async () => {
  world = await startLambdaWorld();
  world.useEnvironment();
  // One customer message waiting for the sentiment stage, written as the extractor writes landing files.
  const comment = {
    comment_id: 91,
    ticket_id: 7,
    author_id: 501,
    created_at: '2026-08-02T10:00:00Z',
    body: 'Thank you, great help!',
  };
  await world.put(
    buckets.raw,
    'landing/zendesk/comment_texts/dt=2026-08-02/run-x-00001.jsonl.gz',
    gzipSync(`${JSON.stringify(comment)}\n`),
  );
});
afterAll(async () => world.close());
beforeEach(() => {
  athena.install();
  failingModel = undefined;
  clearSecretCache();
  secrets.reset();
  secrets.on(GetSecretValueCommand, { SecretId: secretArns.hmac }).resolves({ SecretString: hmacKey });
  lakeFormation.reset();
  tags.length = 0;
  lakeFormation.on(AddLFTagsToResourceCommand).callsFake((input) => {
    tags.push({
      table: input.Resource.Table.Name,
      value: input.LFTags[0].TagValues[0],
      afterStatements: athena.executions.length,
    });
    return { Failures: [] };
  });
});

describe('the transform handler', () => {
  it('scores new messages, then builds every model in the pipeline workgroup with the runner the CLI uses', async () => {
    // Act
    const result = await handler({ runId: 'run-tf-1', full: false }, lambdaContext('transform'));
    // Assess
    expect(result).toEqual({ runId: 'run-tf-1', models: models.length, done: true });
    expect(secrets.commandCalls(GetSecretValueCommand, { SecretId: secretArns.hmac })).toHaveLength(1);
    const sentiment = await world.keys(buckets.raw, 'landing/nlp/comment_sentiment/');
    expect(sentiment).toHaveLength(1);
    expect(new Set(athena.executions.map((e) => `${e.workgroup}/${e.database}`))).toEqual(
      new Set([`${workgroup}/${database}`]),
    );
    const statements = athena.statements();
    expect(statements).toContain(
      `CREATE OR REPLACE VIEW "landing_nlp__comment_sentiment__new" AS SELECT "comment_id", "ticket_id", "language", "sentiment_score", "analyser", "analysed_at", "_run_id", "_extracted_at", dt FROM "landing_nlp__comment_sentiment"`,
    );
    const ctas = statements.find((s) => s.startsWith('CREATE TABLE "fct_tickets__v__run_tf_1"'));
    expect(ctas).toContain("location = 's3://kpi-curated/warehouse/fct_tickets/fct_tickets__v__run_tf_1/'");
    const stages = (await auditEntries(world)).filter((e) => e.target === 'run-tf-1');
    expect(stages.map((e) => [e.details?.stage, e.outcome])).toEqual([
      ['sentiment', 'started'],
      ['sentiment', 'success'],
      ['transform', 'started'],
      ['transform', 'success'],
    ]);
    expect(stages[1]!.counts).toMatchObject({ files: 1, messages: 1 });
  });

  it('tags each table it swaps in with its access class: its version after the CTAS, its view after the swap, never a delta', async () => {
    // Act
    await handler({ runId: 'run-tf-2', full: true }, lambdaContext('transform'));
    // Assess
    const statements = athena.statements();
    const fct = tags.find((t) => t.table === 'fct_tickets')!;
    expect(fct.value).toBe('fact');
    expect(statements[fct.afterStatements - 1]).toBe(
      'CREATE OR REPLACE VIEW "fct_tickets" AS SELECT * FROM "fct_tickets__v__run_tf_2"',
    );
    const version = tags.find((t) => t.table === 'fct_tickets__v__run_tf_2')!;
    expect(version.value).toBe('fact');
    expect(statements[version.afterStatements - 1]).toMatch(/^CREATE TABLE "fct_tickets__v__run_tf_2"/);
    const classOf = Object.fromEntries(tags.map((t) => [t.table, t.value]));
    expect(classOf).toMatchObject({
      kpi_values: 'kpi_mart',
      kpi_daily_wide: 'kpi_mart',
      dim_customers: 'fact',
      stg_zendesk__user_pii: 'restricted',
      stg_zendesk__tickets: 'model',
      cfg_kpi_targets: 'seed',
      landing_zendesk__user_pii__new: 'restricted',
      landing_zendesk__tickets__new: 'landing',
    });
    for (const model of models) expect(classOf[model.name], model.name).toBeDefined();
    expect(tags.filter((t) => /__(tmp|old|delta)$/.test(t.table))).toEqual([]);
    for (const call of lakeFormation.commandCalls(AddLFTagsToResourceCommand)) {
      expect(call.args[0].input.Resource?.Table?.DatabaseName).toBe(database);
      expect(call.args[0].input.LFTags?.[0]?.TagKey).toBe('warehouse_class');
    }
  });

  it('fails with the model named and Athena’s reason when a query fails, and audits the failure', async () => {
    // Prepare
    failingModel = 'fct_tickets';
    // Act
    const outcome = handler({ runId: 'run-tf-3', full: false }, lambdaContext('transform'));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ModelBuildError' });
    await expect(outcome).rejects.toThrow(/Model fct_tickets .*COLUMN_NOT_FOUND/s);
    const last = (await auditEntries(world)).at(-1)!;
    expect(last).toMatchObject({
      target: 'run-tf-3',
      outcome: 'failure',
      details: { stage: 'transform', error: 'ModelBuildError' },
    });
    const finish = athena.executions.find((e) => /^update "warehouse_runs"/.test(e.sql));
    // Athena takes execution parameters only in WHERE: the values are inlined as SQL literals.
    expect(finish?.parameters).toEqual([]);
    expect(finish?.sql).toMatch(/ set "status" = 'failed', .* where "run_id" = 'run-tf-3'$/s);
  });

  it('stops before the time limit with done: false, and the next invocation continues from its checkpoint', async () => {
    // Act: less time left than a model may need (the stop margin is 150 s), then a fresh invocation
    const first = await handler({ runId: 'run-tf-4', full: false }, lambdaContext('transform', 100_000));
    const firstStatements = athena.statements();
    athena.install();
    const second = await handler({ runId: 'run-tf-4', full: false }, lambdaContext('transform', 600_000));
    // Assess
    expect(first).toEqual({ runId: 'run-tf-4', models: 0, done: false });
    expect(
      firstStatements.some((s) => s.startsWith('CREATE OR REPLACE VIEW "landing_zendesk__tickets__new"')),
    ).toBe(true);
    expect(firstStatements.some((s) => /^CREATE TABLE "(stg|int|fct|dim|kpi)_/.test(s))).toBe(false);
    expect(firstStatements.some((s) => /^update "warehouse_runs"/.test(s))).toBe(false);
    expect(second).toEqual({ runId: 'run-tf-4', models: models.length, done: true });
    const secondStatements = athena.statements();
    // The continuation keeps the first invocation's sources and builds into fresh locations.
    expect(secondStatements.some((s) => s.includes('landing_zendesk__tickets__new" AS'))).toBe(false);
    expect(secondStatements.find((s) => s.startsWith('CREATE TABLE "fct_tickets__v__run_tf_4_2"'))).toContain(
      "location = 's3://kpi-curated/warehouse/fct_tickets/fct_tickets__v__run_tf_4_2/'",
    );
    expect(
      secondStatements.filter((s) => /^update "warehouse_runs" set "status" = 'succeeded'/.test(s)),
    ).toHaveLength(1);
    const stages = (await auditEntries(world)).filter((e) => e.target === 'run-tf-4');
    expect(stages.map((e) => [e.details?.stage, e.outcome])).toEqual([
      ['sentiment', 'started'],
      ['sentiment', 'success'],
      ['transform', 'started'],
      ['transform', 'success'],
      ['transform', 'started'],
      ['transform', 'success'],
    ]);
  });
});
