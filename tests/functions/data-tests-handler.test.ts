import '#tests/functions/fixtures/lambda-process-env.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '#functions/data-tests.ts';
import { loadModels } from '#src/models/load-models.ts';
import { fakeAthena, rowsOf } from './fixtures/fake-athena.ts';
import {
  answerHmacSecret,
  auditEntries,
  database,
  type LambdaWorld,
  lambdaContext,
  startLambdaWorld,
  workgroup,
} from './fixtures/lambda-world.ts';

answerHmacSecret();

/** The tests the repository's models declare: the handler must run every one of them. */
const declared = loadModels('sql').flatMap((m) => m.header.tests.map((t) => `${m.name}: ${t.text}`));
const duplicateTicket = 'fct_tickets: unique(source, ticket_id)';

/** Athena finds two copies of one ticket when `failDuplicates` is on; every other test query returns no row. */
let failDuplicates = false;
const athena = fakeAthena((sql) => {
  if (
    failDuplicates &&
    sql.includes('FROM "fct_tickets" GROUP BY "source", "ticket_id" HAVING count(*) > 1')
  ) {
    return rowsOf(
      [
        ['source', 'varchar'],
        ['ticket_id', 'bigint'],
        ['copies', 'bigint'],
        ['failing_rows', 'bigint'],
      ],
      [['zendesk', '4711', '2', '1']],
    );
  }
  return rowsOf([['failing_rows', 'bigint']], []);
});
let world: LambdaWorld;

beforeAll(async () => {
  world = await startLambdaWorld();
  world.useEnvironment();
});
afterAll(async () => world.close());
beforeEach(() => {
  athena.install();
  failDuplicates = false;
});

describe('the data-tests handler', () => {
  it('runs every declared data test in the pipeline workgroup and returns the publication gate', async () => {
    // Act
    const result = await handler({ runId: 'run-dt-1', full: false }, lambdaContext('data-tests'));
    // Assess
    expect(declared.length).toBeGreaterThan(10);
    expect(result).toEqual({ passed: true, tests: declared.length, failures: [] });
    expect(athena.executions).toHaveLength(declared.length);
    for (const execution of athena.executions) {
      expect(execution.workgroup).toBe(workgroup);
      expect(execution.database).toBe(database);
      expect(execution.sql).toMatch(/^SELECT \*, count\(\*\) OVER \(\) AS failing_rows FROM/);
    }
    const entries = await auditEntries(world);
    expect(entries.at(-1)).toMatchObject({
      action: 'pipeline.stage',
      target: 'run-dt-1',
      outcome: 'success',
      details: { stage: 'data-tests' },
      counts: { tests: declared.length, failures: 0 },
    });
  });

  it('blocks publication with DataTestsFailedError naming the failing test', async () => {
    // Prepare
    failDuplicates = true;
    // Act
    const outcome = handler({ runId: 'run-dt-2', full: false }, lambdaContext('data-tests'));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'DataTestsFailedError' });
    await expect(outcome).rejects.toThrow(duplicateTicket);
    const entries = await auditEntries(world);
    expect(entries.at(-1)).toMatchObject({ target: 'run-dt-2', counts: { failures: 1 } });
  });

  it('counts a test whose query Athena rejects as failed, so a broken test cannot wave data through', async () => {
    // Prepare
    athena.mock.reset();
    const failing = fakeAthena(() => ({
      fail: 'TABLE_NOT_FOUND: line 1:45: Table support_kpi.fct_tickets does not exist',
    }));
    failing.install();
    // Act
    const outcome = handler({ runId: 'run-dt-3', full: false }, lambdaContext('data-tests'));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'DataTestsFailedError' });
    await expect(outcome).rejects.toThrow(`${declared.length} data test(s) failed`);
  });
});
