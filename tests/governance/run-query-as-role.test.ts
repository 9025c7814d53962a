import { watch } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { AccessDeniedError } from '#src/governance/access/check-statement.ts';
import type { Role } from '#src/governance/access/role.ts';
import { type AuditEntry, sha256Hex } from '#src/governance/audit/audit-entry.ts';
import { AuditLog } from '#src/governance/audit/audit-log.ts';
import { LocalAuditSink } from '#src/governance/audit/local/local-audit-sink.ts';
import { LocalStatementArchive } from '#src/governance/audit/statement-archive.ts';
import { QueryFailedError, runQueryAsRole } from '#src/governance/query/run-query-as-role.ts';
import { SandboxHost } from '#src/governance/query/sandbox-host.ts';
import { buildGovernanceWorld, type GovernanceWorld } from '#tests/governance/fixtures/governance-world.ts';

let world: GovernanceWorld;
let audit: AuditLog;
let auditDir: string;
let database: string;
let statements: LocalStatementArchive;
const sandbox = new SandboxHost();

beforeAll(async () => {
  auditDir = await mkdtemp(join(tmpdir(), 'gov-audit-'));
  database = join(auditDir, 'warehouse.duckdb');
  world = await buildGovernanceWorld({ database });
  // Role queries open the file read-only in their own process: the writer lets go of it first.
  await world.engine.close();
  audit = new AuditLog(new LocalAuditSink({ dir: join(auditDir, 'audit') }), { actor: 'tester' });
  statements = new LocalStatementArchive(join(auditDir, 'compliance', 'statements'));
}, 120_000);
afterAll(async () => {
  await sandbox.close();
  await rm(world.root, { recursive: true, force: true });
  await rm(auditDir, { recursive: true, force: true });
});

const ask = (role: Role, sql: string) =>
  runQueryAsRole({ duckdb: { database }, sandbox, audit, statements, role, sql });

/** The warehouse as its writer sees it (opened and closed around a change or a check). */
async function withWriter<T>(act: (engine: DuckDbEngine) => Promise<T>): Promise<T> {
  const engine = await DuckDbEngine.open({ database, memoryLimit: '256MB', threads: 1 });
  try {
    return await act(engine);
  } finally {
    await engine.close();
  }
}

async function refusal(role: Role, sql: string): Promise<AccessDeniedError> {
  const error = await ask(role, sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccessDeniedError);
  return error as AccessDeniedError;
}

describe('the analyst', () => {
  it('reads the KPI marts and the non-personal columns of facts', async () => {
    const kpis = await ask(
      'analyst',
      "select period_start, value from kpi_values where kpi = 'ticket_volume'",
    );
    const facts = await ask(
      'analyst',
      'select channel, count(distinct customer_key) as customers from fct_tickets group by channel',
    );

    expect(kpis.rows).toHaveLength(30);
    expect(facts.rows).toEqual([{ channel: 'email', customers: 3 }]);
  });

  it('reads a view over the KPI marts (views are expanded without over-refusing)', async () => {
    const result = await ask('analyst', 'select * from kpi_monthly_wide order by period_start');

    expect(result.rows).toHaveLength(30);
    expect(result.access.throughViews).toEqual(['kpi_values']);
  });

  it.each([
    ['email', 'select email from stg_zendesk__user_pii'],
    ['name', 'select name from stg_zendesk__user_pii'],
    ['phone', 'select phone from stg_zendesk__user_pii'],
    ['firstname', 'select firstname from stg_hubspot__contact_pii'],
    ['lastname', 'select lastname from stg_hubspot__contact_pii'],
    ['body', 'select body from stg_zendesk__comment_texts'],
  ])('is refused the personal column %s and its restricted table', async (_column, sql) => {
    const error = await refusal('analyst', sql);

    expect(error.message).toMatch(/restricted/);
    expect(error.rule).toMatch(/^analyst reads KPI marts/);
  });

  it('is refused a restricted table even for its pseudonymous columns', async () => {
    const error = await refusal('analyst', 'select customer_key from stg_zendesk__user_pii');

    expect(error.table).toBe('stg_zendesk__user_pii');
  });

  it('is refused staging models and operational tables, which are not exposed to analysts', async () => {
    expect((await refusal('analyst', 'select * from warehouse_runs')).table).toBe('warehouse_runs');
  });

  it('is refused personal data through a view, naming the column and the view', async () => {
    const error = await refusal('analyst', 'select ticket_id from fct_ticket_contacts');

    expect(error.table).toBe('stg_zendesk__user_pii');
    expect(error.message).toMatch(/view fct_ticket_contacts reads table stg_zendesk__user_pii/);
  });

  it('is refused through a view of a view', async () => {
    const error = await refusal('analyst', 'select count(*) from fct_ticket_contacts_recent');

    expect(error.message).toMatch(/fct_ticket_contacts_recent → fct_ticket_contacts/);
  });

  it('is refused through *, a join, a subquery and a CTE', async () => {
    const star = await refusal('analyst', 'select * from stg_zendesk__user_pii');
    const join = await refusal(
      'analyst',
      'select t.ticket_id, p.email from fct_tickets t join stg_zendesk__user_pii p on p.customer_key = t.customer_key',
    );
    const subquery = await refusal(
      'analyst',
      "select count(*) from fct_tickets where customer_key in (select customer_key from stg_hubspot__contact_pii where lastname = 'Baker')",
    );
    const derived = await refusal('analyst', 'select * from (select * from stg_zendesk__comment_texts) s');
    const cte = await refusal(
      'analyst',
      'with people as (select user_id, email from stg_zendesk__user_pii) select count(*) from people',
    );

    for (const error of [star, join, subquery, derived, cte]) expect(error.table).toMatch(/^stg_/);
  });

  it('is refused a personal column in a non-restricted table, by column name, even in a filter', async () => {
    await withWriter((engine) =>
      engine.execute("create table fct_callbacks as select 1 as ticket_id, '+44 1' as phone"),
    );
    const error = await ask('analyst', 'select phone from fct_callbacks').catch((e) => e);
    const inFilter = await ask('analyst', "select count(*) from fct_callbacks where phone like '+44%'").catch(
      (e) => e,
    );
    const allowed = await ask('analyst', 'select ticket_id from fct_callbacks');

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.column).toBe('phone');
    expect(inFilter).toBeInstanceOf(AccessDeniedError);
    expect(inFilter.column).toBe('phone');
    expect(allowed.rows).toEqual([{ ticket_id: 1 }]);
  });
});

describe('every role', () => {
  it.each([
    ['DDL', 'drop table fct_tickets'],
    ['DML', "delete from fct_tickets where channel = 'email'"],
    ['two statements', 'select 1; drop table fct_tickets'],
    ['a file read', "select * from read_csv('/etc/passwd')"],
    ['an engine internal', 'select * from information_schema.columns'],
    ['an unknown table', 'select * from nowhere'],
  ])('is refused %s', async (_what, sql) => {
    await refusal('compliance', sql);
    expect((await ask('compliance', 'select count(*) as n from fct_tickets')).rows[0]).toEqual({ n: 90 });
  });
});

describe('the engineer', () => {
  it('reads operational metadata, models and marts but not message text or personal data', async () => {
    const runs = await ask('engineer', 'select status from warehouse_runs');
    const kpis = await ask('engineer', 'select count(*) as n from kpi_values');

    expect(runs.rows).toEqual([{ status: 'succeeded' }]);
    expect(kpis.rows).toEqual([{ n: 30 }]);
    await refusal('engineer', 'select body from stg_zendesk__comment_texts');
    await refusal('engineer', 'select email from fct_ticket_contacts');
  });
});

describe('the compliance role', () => {
  it('reads personal data and message text, directly and through views', async () => {
    const people = await ask('compliance', 'select email from stg_zendesk__user_pii order by user_id');
    const viaView = await ask('compliance', 'select count(*) as n from fct_ticket_contacts');

    expect(people.rows.map((r) => r.email)).toEqual([
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
    ]);
    expect(viaView.rows).toEqual([{ n: 90 }]);
  });
});

describe('the budget of a role', () => {
  const within = (role: Role, sql: string, budget: Parameters<typeof runQueryAsRole>[0]['budget']) =>
    runQueryAsRole({ duckdb: { database }, sandbox, audit, statements, role, sql, budget });
  const lastEntry = async () => (await audit.tail(1))[0]!;

  it('interrupts an endless recursive CTE at its time budget and audits it', async () => {
    const error = await within(
      'analyst',
      'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r',
      { timeoutMs: 1_000 },
    ).catch((e) => e);

    expect(error).toBeInstanceOf(QueryFailedError);
    expect(error.reason).toBe('time');
    expect(await lastEntry()).toMatchObject({
      action: 'query',
      outcome: 'failure',
      details: { error: 'time' },
    });
  });

  it('kills a statement DuckDB cannot interrupt, and audits the kill', async () => {
    const error = await within('analyst', "select length(repeat('x', 2000000000))", {
      timeoutMs: 1_000,
    }).catch((e) => e);

    expect(error).toBeInstanceOf(QueryFailedError);
    expect(error.reason).toBe('killed:time');
    expect(await lastEntry()).toMatchObject({ outcome: 'failure', details: { error: 'killed:time' } });
  });

  it('stops a statement past its memory budget and audits it', async () => {
    const error = await within('analyst', 'select list(i) from range(50000000) t(i)', {
      memoryLimit: '64MB',
      maxTempDirectorySize: '0B',
    }).catch((e) => e);

    expect(error).toBeInstanceOf(QueryFailedError);
    expect(['memory', 'killed:memory']).toContain(error.reason);
    expect((await lastEntry()).outcome).toBe('failure');
  });

  it('audits a query whose process dies while it runs, with what it was reading', async () => {
    // Prepare: a host whose process is killed from outside as soon as the statement starts to run.
    const crashing = new SandboxHost({ onPlanned: (pid) => process.kill(pid, 'SIGKILL') });

    // Act
    const error = await runQueryAsRole({
      duckdb: { database },
      sandbox: crashing,
      audit,
      statements,
      role: 'analyst',
      sql: 'with recursive r(n) as (select 1 union all select n + 1 from r) select max(n), count(channel) from r, fct_tickets',
    }).catch((e) => e);
    await crashing.close();

    // Assess
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(error.reason).toBe('killed:crash');
    expect(await lastEntry()).toMatchObject({
      outcome: 'failure',
      target: 'fct_tickets',
      details: { error: 'killed:crash', columns: ['fct_tickets.channel'] },
    });
  });

  it('cuts a result off at the row budget and says so', async () => {
    const result = await within('analyst', 'select event_id from fct_ticket_events', { maxRows: 7 });

    expect(result.rows).toHaveLength(7);
    expect(result.truncated).toBe(true);
    expect(await lastEntry()).toMatchObject({
      outcome: 'success',
      counts: { rows: 7 },
      details: { truncated: true },
    });
  });
});

describe('the audit of queries', () => {
  it('records every statement with what it read, its text only in the compliance archive', async () => {
    // Prepare
    const before = (await audit.tail(10_000)).length;
    const allowed = "select count(*) from fct_tickets where channel = 'email'";
    const refused = "select email from stg_zendesk__user_pii where email = 'alice@example.com'";

    // Act
    await ask('analyst', allowed);
    await ask('analyst', refused).catch(() => undefined);

    // Assess
    const entries = (await audit.tail(10_000)).slice(before);
    expect(entries).toHaveLength(4);
    // Started before the engine runs it (a statement that kills the process stays on record) …
    expect(entries[0]).toMatchObject({ action: 'query', outcome: 'started', role: 'analyst' });
    expect(entries[1]).toMatchObject({
      action: 'query',
      outcome: 'success',
      role: 'analyst',
      counts: { rows: 1 },
      details: {
        statement_sha256: sha256Hex(allowed),
        statement_ref: `statements/${sha256Hex(allowed)}.sql`,
        tables: ['fct_tickets'],
        columns: ['fct_tickets.channel'],
        started_seq: entries[0]!.seq,
      },
    });
    expect(entries[2]).toMatchObject({ action: 'query', outcome: 'started', target: 'statement' });
    expect(entries[3]).toMatchObject({
      action: 'query.denied',
      outcome: 'denied',
      target: 'stg_zendesk__user_pii',
      details: { statement_sha256: sha256Hex(refused) },
    });
    expect(JSON.stringify(entries)).not.toMatch(/alice/);
    expect(await statements.get(sha256Hex(refused))).toBe(refused);
    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  it('records a statement before the engine runs it, so one that never returns is on record', async () => {
    // Prepare: a permitted statement that would run for hours; the time budget stops it, and a
    // watcher on the log sees its `started` entry while it still runs (what a killed or crashed
    // process would leave behind)
    const endless =
      'select count(*) as n from fct_tickets a cross join fct_tickets b cross join fct_tickets c ' +
      'cross join fct_tickets d cross join fct_tickets e cross join fct_tickets f cross join fct_tickets g';
    const hash = sha256Hex(endless);
    let startedSeenWhileRunning = false;
    let finished = false;
    const watcher = watch(join(auditDir, 'audit', 'segments'), async () => {
      const last = (await audit.tail(1))[0];
      if (!finished && last?.outcome === 'started' && last.details.statement_sha256 === hash)
        startedSeenWhileRunning = true;
    });

    // Act
    const outcome = await runQueryAsRole({
      duckdb: { database },
      sandbox,
      audit,
      statements,
      role: 'analyst',
      sql: endless,
      budget: { timeoutMs: 1_500 },
    }).then(
      () => 'returned',
      (error: Error) => error.name,
    );
    finished = true;
    watcher.close();

    // Assess
    const [started, failed] = (await audit.tail(2)) as [AuditEntry, AuditEntry];
    expect(outcome).toBe(QueryFailedError.name);
    expect(startedSeenWhileRunning).toBe(true);
    expect(started).toMatchObject({
      action: 'query',
      outcome: 'started',
      details: { statement_sha256: hash },
    });
    expect(failed).toMatchObject({
      action: 'query',
      outcome: 'failure',
      details: { started_seq: started.seq },
    });
  }, 60_000);

  it('holds one entry per statement run in this suite', async () => {
    const entries = await audit.tail(100_000);
    const denied = entries.filter((e) => e.action === 'query.denied').length;
    const allowed = entries.filter((e) => e.action === 'query').length;

    expect(denied).toBeGreaterThanOrEqual(20);
    expect(allowed).toBeGreaterThanOrEqual(8);
  });
});
