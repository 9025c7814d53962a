import '#tests/functions/fixtures/lambda-process-env.ts';
import { gzipSync } from 'node:zlib';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearSecretCache } from '#functions/common/load-secrets.ts';
import { handler } from '#functions/retention.ts';
import { fakeAthena, rowsOf } from './fixtures/fake-athena.ts';
import {
  auditEntries,
  buckets,
  hmacKey,
  type LambdaWorld,
  lambdaContext,
  secretArns,
  startLambdaWorld,
  workgroup,
} from './fixtures/lambda-world.ts';

const today = new Date().toISOString().slice(0, 10);
const oldPage = 'raw/zendesk/tickets/dt=2020-01-01/run-old-00001.jsonl.gz';
const newPage = `raw/zendesk/tickets/dt=${today}/run-new-00001.jsonl.gz`;
/** The warehouse holds one curated fact table, with five rows past the 24-month window. */
const athena = fakeAthena((sql) => {
  if (sql.includes("information_schema.columns where table_schema = 'support_kpi'")) {
    return rowsOf(
      [
        ['table_name', 'varchar'],
        ['column_name', 'varchar'],
        ['data_type', 'varchar'],
      ],
      [
        ['fct_ticket_events', 'event_id', 'bigint'],
        ['fct_ticket_events', 'ticket_id', 'bigint'],
        ['fct_ticket_events', 'created_at', 'timestamp(3)'],
      ],
    );
  }
  if (/information_schema\.tables (t LEFT JOIN .* )?WHERE (t\.)?table_schema/.test(sql)) {
    return rowsOf(
      [
        ['table_name', 'varchar'],
        ['table_type', 'varchar'],
      ],
      [
        ['fct_ticket_events', 'BASE TABLE'],
        ['landing_zendesk__tickets', 'BASE TABLE'],
        ['kpi_scorecard', 'VIEW'],
      ],
    );
  }
  if (sql.includes("information_schema.tables where table_schema = 'support_kpi'")) {
    return rowsOf(
      [
        ['table_name', 'varchar'],
        ['table_type', 'varchar'],
      ],
      [['fct_ticket_events', 'BASE TABLE']],
    );
  }
  if (/^select count\(\*\)/i.test(sql) && sql.includes('fct_ticket_events')) {
    return rowsOf(
      [
        ['expired', 'bigint'],
        ['held', 'bigint'],
      ],
      [['5', '0']],
    );
  }
  return undefined;
});
const secrets = mockClient(SecretsManagerClient);
let world: LambdaWorld;

beforeAll(async () => {
  world = await startLambdaWorld();
  world.useEnvironment();
  for (const key of [oldPage, newPage]) {
    await world.put(buckets.raw, key, gzipSync(`${JSON.stringify({ id: 1, subject: 'x' })}\n`));
  }
});
afterAll(async () => world.close());
beforeEach(() => {
  athena.install();
  clearSecretCache();
  secrets.reset();
  secrets.on(GetSecretValueCommand, { SecretId: secretArns.hmac }).resolves({ SecretString: hmacKey });
});

describe('the retention handler', () => {
  it('deletes the raw pages and curated rows past their window in the warehouse database, and audits each', async () => {
    // Act
    const result = await handler({ runId: 'run-ret-1', full: false }, lambdaContext('retention'));
    // Assess
    expect(result).toEqual({ runId: 'run-ret-1', deleted: 6, maintained: 1 });
    expect(await world.keys(buckets.raw, 'raw/')).toEqual([newPage]);
    const deletes = athena.executions.filter((e) => /^delete from fct_ticket_events where/.test(e.sql));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.workgroup).toBe(workgroup);
    const audited = (await auditEntries(world)).filter((e) => e.action === 'retention.delete');
    expect(audited.map((e) => e.target)).toEqual(
      expect.arrayContaining(['raw:raw/zendesk/tickets', 'curated:fct_ticket_events', 'all']),
    );
    // The table it deleted from is maintained after the delete, so the rows leave its data files
    const sqls = athena.executions.map((e) => e.sql);
    const deletedAt = sqls.findIndex((q) => /^delete from fct_ticket_events/.test(q));
    expect(sqls.indexOf('OPTIMIZE fct_ticket_events REWRITE DATA USING BIN_PACK')).toBeGreaterThan(deletedAt);
    expect(sqls.indexOf('VACUUM fct_ticket_events')).toBeGreaterThan(deletedAt);
  });

  it('on the schedule, maintains every Iceberg table (not landing tables, not views) and audits the pass', async () => {
    // Prepare
    const before = athena.executions.length;
    // Act
    const result = await handler({ runId: 'maint-1', action: 'maintenance' }, lambdaContext('retention'));
    // Assess
    expect(result).toEqual({ runId: 'maint-1', deleted: 0, maintained: 1 });
    const sqls = athena.executions.slice(before).map((e) => e.sql);
    expect(sqls.filter((q) => /^(OPTIMIZE|VACUUM) /.test(q))).toEqual([
      'OPTIMIZE fct_ticket_events REWRITE DATA USING BIN_PACK',
      'VACUUM fct_ticket_events',
    ]);
    expect(sqls.some((q) => /^delete /i.test(q))).toBe(false);
    expect(sqls).toContain(
      "ALTER TABLE fct_ticket_events SET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds' = '86400', 'vacuum_min_snapshots_to_keep' = '1', 'optimize_rewrite_delete_file_threshold' = '1', 'optimize_rewrite_data_file_threshold' = '1')",
    );
    const audited = (await auditEntries(world)).filter(
      (e) => e.action === 'retention.maintenance' && e.target === 'maint-1',
    );
    expect(audited.map((e) => [e.target, e.outcome])).toEqual([
      ['maint-1', 'started'],
      ['maint-1', 'success'],
    ]);
  });
});
