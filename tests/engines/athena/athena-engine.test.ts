import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { Kysely } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaDialect } from '#src/engines/athena/athena-dialect.ts';
import { AthenaTransactionUnsupportedError } from '#src/engines/athena/athena-driver.ts';
import {
  AthenaEngine,
  AthenaQueryAbortedError,
  AthenaQueryCancelledError,
  AthenaQueryFailedError,
  AthenaThrottledError,
} from '#src/engines/athena/athena-engine.ts';

const athena = mockClient(AthenaClient);
const sleeps: number[] = [];

function engine(): AthenaEngine {
  return new AthenaEngine({
    workgroup: 'warehouse-analyst',
    database: 'support_kpi',
    curatedLocation: 's3://curated-bucket/warehouse/',
    client: new AthenaClient({ region: 'eu-west-1' }),
    initialPollMs: 100,
    maxPollMs: 400,
    maxThrottleRetries: 2,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

/** A GetQueryResults page as Athena documents it: every value a VarCharValue, the header first on page one. */
function page(
  columns: [string, string][],
  rows: (string | undefined)[][],
  options: { header: boolean; next?: string },
) {
  const header = { Data: columns.map(([name]) => ({ VarCharValue: name })) };
  return {
    ResultSet: {
      Rows: [
        ...(options.header ? [header] : []),
        ...rows.map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
      ],
      ResultSetMetadata: {
        ColumnInfo: columns.map(([Name, Type]) => ({
          Name,
          Label: Name,
          Type,
          CatalogName: 'hive',
          Nullable: 'UNKNOWN' as const,
        })),
      },
    },
    NextToken: options.next,
  };
}

beforeEach(() => {
  athena.reset();
  sleeps.length = 0;
});

describe('AthenaEngine.execute', () => {
  it('starts the query in the workgroup, polls with back-off until SUCCEEDED, pages the results and converts values', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'RUNNING' } } })
      .resolvesOnce({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'RUNNING' } } })
      .resolves({
        QueryExecution: {
          QueryExecutionId: 'q-1',
          Status: { State: 'SUCCEEDED' },
          Statistics: { DataScannedInBytes: 123456 },
        },
      });
    const columns: [string, string][] = [
      ['ticket_id', 'bigint'],
      ['status', 'varchar'],
      ['created_at', 'timestamp'],
      ['created_date', 'date'],
      ['score', 'double'],
      ['is_vip', 'boolean'],
    ];
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined }).resolves(
      page(columns, [['1', 'open', '2026-01-31 23:59:59.000', '2026-01-31', '4.5', 'true']], {
        header: true,
        next: 't2',
      }),
    );
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 't2' }).resolves(
      page(columns, [['9007199254740993', undefined, undefined, undefined, undefined, 'false']], {
        header: false,
      }),
    );
    // Act
    const result = await engine().execute('SELECT * FROM fct_tickets');
    // Assess
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryString: 'SELECT * FROM fct_tickets',
      WorkGroup: 'warehouse-analyst',
      QueryExecutionContext: { Database: 'support_kpi', Catalog: undefined },
      ExecutionParameters: undefined,
    });
    expect(sleeps).toEqual([100, 150, 225]);
    expect(result.bytesScanned).toBe(123456);
    expect(result.columns).toEqual(columns.map(([n]) => n));
    expect(result.rows).toEqual([
      {
        ticket_id: 1,
        status: 'open',
        created_at: '2026-01-31T23:59:59.000Z',
        created_date: '2026-01-31',
        score: 4.5,
        is_vip: true,
      },
      {
        ticket_id: '9007199254740993',
        status: null,
        created_at: null,
        created_date: null,
        score: null,
        is_vip: false,
      },
    ]);
  });

  it('polls a running query soon and then at most once a second, since a small Athena query takes one to three seconds', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-p' });
    const running = { QueryExecution: { QueryExecutionId: 'q-p', Status: { State: 'RUNNING' as const } } };
    let get = athena.on(GetQueryExecutionCommand);
    for (let i = 0; i < 9; i++) get = get.resolvesOnce(running);
    get.resolves({ QueryExecution: { QueryExecutionId: 'q-p', Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves(page([['n', 'bigint']], [], { header: true }));
    const delays: number[] = [];
    const defaults = new AthenaEngine({
      workgroup: 'warehouse-analyst',
      database: 'support_kpi',
      curatedLocation: 's3://curated-bucket/warehouse/',
      client: new AthenaClient({ region: 'eu-west-1' }),
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    // Act
    await defaults.execute('SELECT 1 AS n');
    // Assess: 100 ms, then × 1.5 up to 1 s (the old schedule doubled to 5 s)
    expect(delays).toEqual([100, 150, 225, 338, 507, 761, 1000, 1000, 1000]);
  });

  it('inlines parameters as SQL literals, never as execution parameters (Athena refuses them outside WHERE)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves(page([['n', 'bigint']], [], { header: true }));
    await engine().execute("SELECT ? , ?, ?, ?, ? WHERE '?' = ?", {
      parameters: ["it's", 3, true, null, new Date('2026-01-02T03:04:05.006Z'), "x' OR '1'='1"],
    });
    const input = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(input?.ExecutionParameters).toBeUndefined();
    expect(input?.QueryString).toBe(
      "SELECT 'it''s' , 3, TRUE, NULL, TIMESTAMP '2026-01-02 03:04:05.006' WHERE '?' = 'x'' OR ''1''=''1'",
    );
  });

  it('turns FAILED into AthenaQueryFailedError carrying the reason and the statement', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason:
            'TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.support_kpi.nope does not exist',
          AthenaError: {
            ErrorCategory: 2,
            ErrorType: 1301,
            ErrorMessage: 'TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.support_kpi.nope does not exist',
          },
        },
      },
    });
    const failure = engine().execute('SELECT * FROM nope');
    await expect(failure).rejects.toThrow(AthenaQueryFailedError);
    await expect(failure).rejects.toThrow(/q-3 failed: TABLE_NOT_FOUND.*SELECT \* FROM nope/s);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('turns CANCELLED (e.g. the workgroup bytes-scanned cutoff) into AthenaQueryCancelledError', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'CANCELLED',
          StateChangeReason: 'Query cancelled: exceeded the data usage limit of the workgroup',
        },
      },
    });
    await expect(engine().execute('SELECT 1')).rejects.toThrow(AthenaQueryCancelledError);
  });

  it('retries a throttled start with back-off, then succeeds', async () => {
    const throttle = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    athena.on(StartQueryExecutionCommand).rejectsOnce(throttle).resolves({ QueryExecutionId: 'q-5' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves(page([['x', 'integer']], [['1']], { header: true }));
    const result = await engine().execute('SELECT 1 AS x');
    expect(result.rows).toEqual([{ x: 1 }]);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
  });

  it('gives up with AthenaThrottledError when throttling persists', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(engine().execute('SELECT 1')).rejects.toThrow(AthenaThrottledError);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
  });

  it('stops the query execution when the caller aborts', async () => {
    // Prepare
    const controller = new AbortController();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-6' });
    athena.on(GetQueryExecutionCommand).callsFake(() => {
      controller.abort();
      return { QueryExecution: { Status: { State: 'RUNNING' } } };
    });
    athena.on(StopQueryExecutionCommand).resolves({});
    // Act
    const run = engine().execute('SELECT 1', { signal: controller.signal });
    // Assess
    await expect(run).rejects.toThrow(AthenaQueryAbortedError);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryExecutionId: 'q-6',
    });
  });

  it('reports rows written by a DML statement (UpdateCount)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-7' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand)
      .resolves({ UpdateCount: 12, ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
    const result = await engine().execute('MERGE INTO t USING d ON ...');
    expect(result.rowsAffected).toBe(12);
    expect(result.rows).toEqual([]);
  });
});

interface Db {
  warehouse_runs: { run_id: string; status: string };
}

describe('Kysely on the Athena dialect', () => {
  it('compiles to Trino (double quotes) with the parameters inlined as literals and runs through the engine', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-8' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand)
      .resolves(page([['status', 'varchar']], [['succeeded']], { header: true }));
    const db = new Kysely<Db>({ dialect: new AthenaDialect(engine()) });
    const rows = await db.selectFrom('warehouse_runs').select('status').where('run_id', '=', 'r-1').execute();
    const input = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(input?.QueryString).toBe('select "status" from "warehouse_runs" where "run_id" = \'r-1\'');
    expect(input?.ExecutionParameters).toBeUndefined();
    expect(rows).toEqual([{ status: 'succeeded' }]);
  });

  it('refuses transactions, which Athena does not have', async () => {
    const db = new Kysely<Db>({ dialect: new AthenaDialect(engine()) });
    await expect(db.transaction().execute(async () => undefined)).rejects.toThrow(
      AthenaTransactionUnsupportedError,
    );
  });
});
