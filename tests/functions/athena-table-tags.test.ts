import { AthenaClient } from '@aws-sdk/client-athena';
import { AddLFTagsToResourceCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { athenaStatements } from '#src/engines/athena/athena-statements.ts';
import { createdRelation } from '#src/engines/athena/athena-table-tagger.ts';
import { classifyTable } from '#src/governance/access/access-policy.ts';
import { fakeAthena } from './fixtures/fake-athena.ts';

const athena = fakeAthena((sql) => (sql.includes('broken') ? { fail: 'SYNTAX_ERROR: line 1:1' } : undefined));
const lakeFormation = mockClient(LakeFormationClient);
const statements = athenaStatements({ curatedLocation: 's3://kpi-curated/warehouse/' });

function engine(tagging = true): AthenaEngine {
  return new AthenaEngine({
    workgroup: 'support-kpi-pipeline',
    database: 'support_kpi',
    curatedLocation: 's3://kpi-curated/warehouse/',
    client: new AthenaClient({ region: 'eu-west-1' }),
    sleep: async () => {},
    ...(tagging
      ? {
          tagTables: {
            tagKey: 'warehouse_class',
            classify: (name: string) => classifyTable(name).class,
            client: new LakeFormationClient({ region: 'eu-west-1' }),
          },
        }
      : {}),
  });
}

beforeEach(() => {
  athena.install();
  lakeFormation.reset();
  lakeFormation.on(AddLFTagsToResourceCommand).resolves({ Failures: [] });
});

describe('which relation a statement leaves in place', () => {
  it('is every table a published view reads: the new version, the plain table moved aside, the view', () => {
    // Prepare
    const rebuild = statements.replaceTable({
      name: 'fct_tickets',
      sql: 'SELECT 1 AS x',
      runId: 'r1',
      existing: 'table',
    });
    // Act
    const created = rebuild.map(createdRelation).filter((n) => n !== undefined);
    // Assess
    expect(created).toEqual(['fct_tickets__v__r1', 'fct_tickets__v__legacy', 'fct_tickets']);
  });

  it('is the view, the run-metadata table and the landing table, but not a delta, a drop or a query', () => {
    expect(createdRelation(statements.createView({ name: 'kpi_daily_wide', sql: 'SELECT 1' })[0]!)).toBe(
      'kpi_daily_wide',
    );
    expect(createdRelation(statements.createTableIfMissing('warehouse_runs', { run_id: 'varchar' }))).toBe(
      'warehouse_runs',
    );
    expect(
      createdRelation('CREATE EXTERNAL TABLE IF NOT EXISTS `landing_zendesk__tickets` (\n`x` string)'),
    ).toBe('landing_zendesk__tickets');
    expect(createdRelation('CREATE TABLE "Support_KPI"."Dim_Agents" AS SELECT 1')).toBe('dim_agents');
    const delta = statements.createDelta({
      name: 'fct_tickets',
      deltaName: 'fct_tickets__delta',
      sql: 'SELECT 1',
      runId: 'r1',
    });
    expect(delta.map(createdRelation)).toEqual([undefined, undefined]);
    for (const sql of [
      'DROP TABLE IF EXISTS `fct_tickets`',
      'SELECT * FROM fct_tickets',
      'INSERT INTO warehouse_runs VALUES (1)',
      'MERGE INTO "fct_tickets" AS t USING "fct_tickets__delta" AS s ON t.id = s.id WHEN MATCHED THEN DELETE',
    ]) {
      expect(createdRelation(sql), sql).toBeUndefined();
    }
  });
});

describe('an Athena engine with table tagging', () => {
  it('tags a table once its CTAS succeeded, with the class the policy gives it', async () => {
    // Act
    await engine().execute('CREATE TABLE "kpi_values" WITH (table_type = \'ICEBERG\') AS SELECT 1 AS x');
    // Assess
    const calls = lakeFormation.commandCalls(AddLFTagsToResourceCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      {
        Resource: { Table: { DatabaseName: 'support_kpi', Name: 'kpi_values' } },
        LFTags: [{ TagKey: 'warehouse_class', TagValues: ['kpi_mart'] }],
      },
    ]);
    expect(athena.statements()).toHaveLength(1);
  });

  it("tags a version table with its published name's class, which its view's readers need on it", async () => {
    // Act
    await engine().execute(
      'CREATE TABLE "backlog_daily__v__r7" WITH (table_type = \'ICEBERG\') AS SELECT 1 AS x',
    );
    // Assess
    const calls = lakeFormation.commandCalls(AddLFTagsToResourceCommand);
    expect(calls.map((c) => c.args[0].input.LFTags)).toEqual([
      [{ TagKey: 'warehouse_class', TagValues: ['kpi_mart'] }],
    ]);
    expect(classifyTable('backlog_daily__v__r7').class).toBe('unclassified'); // by its own name
  });

  it('does not tag when Athena failed the statement', async () => {
    // Act
    const outcome = engine().execute('CREATE TABLE "broken" AS SELECT 1');
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'AthenaQueryFailedError' });
    expect(lakeFormation.commandCalls(AddLFTagsToResourceCommand)).toHaveLength(0);
  });

  it('fails with TableTagError naming the table and the permission when Lake Formation reports a failure', async () => {
    // Prepare
    lakeFormation.on(AddLFTagsToResourceCommand).resolves({
      Failures: [
        {
          LFTag: { TagKey: 'warehouse_class', TagValues: ['fact'] },
          Error: {
            ErrorCode: 'AccessDeniedException',
            ErrorMessage: 'Insufficient Lake Formation permission(s)',
          },
        },
      ],
    });
    // Act
    const outcome = engine().execute('ALTER TABLE `dim_agents__tmp` RENAME TO `dim_agents`');
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'TableTagError', table: 'dim_agents' });
    await expect(outcome).rejects.toThrow(/warehouse_class=fact: AccessDeniedException.*ASSOCIATE/);
  });

  it('makes no Lake Formation call when tagging is off (the default)', async () => {
    // Act
    await engine(false).execute('CREATE OR REPLACE VIEW "kpi_daily_wide" AS SELECT 1');
    // Assess
    expect(lakeFormation.calls()).toHaveLength(0);
  });
});
