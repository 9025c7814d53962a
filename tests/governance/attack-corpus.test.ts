import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '#src/governance/access/check-statement.ts';
import type { Role } from '#src/governance/access/role.ts';
import { sha256Hex } from '#src/governance/audit/audit-entry.ts';
import type { RoleBudget } from '#src/governance/query/role-budget.ts';
import { QueryFailedError, runQueryAsRole } from '#src/governance/query/run-query-as-role.ts';
import { SandboxHost } from '#src/governance/query/sandbox-host.ts';
import {
  type AttackWorld,
  attackWorldFolder,
  attackWorldPaths,
  buildAttackWorld,
  LEAK_MARKERS,
  readAsWriter,
} from '#tests/governance/fixtures/attack-world.ts';

/**
 * The regression corpus of attacks on `warehouse query --role`: every statement of issue 13's
 * "Access control is bypassed" list and its family (comments, string escapes, multiple statements,
 * table functions, file paths, pragmas, attach, copy, DDL/DML, pathological size and recursion).
 * Each is refused or stopped, or answers without a single protected value; each leaves exactly one
 * audit entry carrying its hash; and the corpus as a whole writes nothing anywhere.
 */

const paths = attackWorldPaths(attackWorldFolder('attack-corpus'));
let world: AttackWorld;
let before: Map<string, string>;
let hostname: string;
const sandbox = new SandboxHost();

beforeAll(async () => {
  world = await buildAttackWorld(paths.root);
  before = world.fingerprint();
  hostname = readFileSync('/etc/hostname', 'utf8').trim();
}, 120_000);
afterAll(async () => {
  await sandbox.close();
  await world.dispose();
});

type Outcome = 'denied' | 'stopped' | 'no leak';

interface Attack {
  readonly role: Role;
  readonly sql: string;
  readonly expected: Outcome;
  readonly budget?: Partial<RoleBudget>;
}

/** Run an attack; return what happened and the audit entries it added. */
async function attack({ role, sql, budget }: Attack) {
  const seen = (await world.audit.tail(100_000)).length;
  const outcome = await runQueryAsRole({
    duckdb: { database: world.database, allowedDirectories: [world.landingDir] },
    sandbox,
    audit: world.audit,
    statements: world.statements,
    role,
    sql,
    ...(budget ? { budget } : {}),
  }).then(
    (result) => ({ kind: 'no leak' as Outcome, rows: result.rows, error: undefined as unknown }),
    (error: unknown) => ({
      kind: (error instanceof AccessDeniedError
        ? 'denied'
        : error instanceof QueryFailedError
          ? 'stopped'
          : 'other') as Outcome | 'other',
      rows: [] as const,
      error,
    }),
  );
  const added = (await world.audit.tail(100_000)).slice(seen);
  return { outcome, added };
}

const lake = () => paths.lakeRoot;
const quiet = { timeoutMs: 1_500 } satisfies Partial<RoleBudget>;

/** Issue 13's list, verbatim where it gave the statement. */
const issueStatements = (): Attack[] => [
  {
    role: 'analyst',
    sql: 'select email, name, phone /* /* */ from kpi_values -- */ from landing_zendesk__user_pii',
    expected: 'denied',
  },
  {
    role: 'analyst',
    sql: 'select email, name, phone /* /* */ from kpi_values -- */ from stg_zendesk__user_pii',
    expected: 'denied',
  },
  {
    role: 'analyst',
    sql: "select 'x\\' as a, email, name, phone from stg_zendesk__user_pii -- ' from kpi_values",
    expected: 'denied',
  },
  {
    role: 'engineer',
    sql: 'select body /* /* */ from kpi_values -- */ from stg_zendesk__comment_texts',
    expected: 'denied',
  },
  { role: 'engineer', sql: `select * from read_parquet('${paths.exportFile}')`, expected: 'denied' },
  { role: 'engineer', sql: "select * from read_text('/etc/hostname')", expected: 'denied' },
  {
    role: 'engineer',
    sql: "select 1; copy (select * from stg_zendesk__user_pii) to '/tmp/leak.csv'",
    expected: 'denied',
  },
  {
    role: 'engineer',
    sql: "select 1; attach '/tmp/leak.duckdb' as leak; create table leak.pii as select * from stg_zendesk__user_pii",
    expected: 'denied',
  },
  { role: 'engineer', sql: 'select 1; drop table fct_tickets', expected: 'denied' },
  {
    role: 'analyst',
    sql: "select length(repeat('x', 2000000000))",
    expected: 'stopped',
    budget: quiet,
  },
  {
    role: 'analyst',
    sql: 'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r',
    expected: 'stopped',
    budget: quiet,
  },
];

/** The families around them. */
const families = (): Record<string, Attack[]> => ({
  comments: [
    {
      role: 'analyst',
      sql: 'select email /* from kpi_values */ from stg_zendesk__user_pii',
      expected: 'denied',
    },
    { role: 'analyst', sql: 'select /* /* /* */ */ */ email from stg_zendesk__user_pii', expected: 'denied' },
    {
      role: 'analyst',
      sql: 'select -- from kpi_values\n email from stg_zendesk__user_pii',
      expected: 'denied',
    },
    {
      role: 'analyst',
      sql: 'select value from kpi_values /* ; drop table fct_tickets */',
      expected: 'no leak',
    },
    { role: 'analyst', sql: 'select value from kpi_values -- ; drop table fct_tickets', expected: 'no leak' },
    { role: 'analyst', sql: 'select/**/email/**/from/**/stg_zendesk__user_pii', expected: 'denied' },
    { role: 'analyst', sql: 'select count(*) from kpi_values /* unterminated', expected: 'denied' },
  ],
  'string escapes and quoting': [
    {
      role: 'analyst',
      sql: "select e'x\\'' as a, email from stg_zendesk__user_pii -- ' from kpi_values",
      expected: 'denied',
    },
    {
      role: 'analyst',
      sql: 'select $$ from kpi_values $$ as a, email from stg_zendesk__user_pii',
      expected: 'denied',
    },
    { role: 'analyst', sql: 'select "email" from "stg_zendesk__user_pii"', expected: 'denied' },
    { role: 'analyst', sql: 'select EMAIL from STG_ZENDESK__USER_PII', expected: 'denied' },
    { role: 'analyst', sql: 'select email from main.stg_zendesk__user_pii', expected: 'denied' },
    { role: 'analyst', sql: 'select email from wh.main.stg_zendesk__user_pii', expected: 'denied' },
    { role: 'analyst', sql: "select 'it''s' as a, value from kpi_values", expected: 'no leak' },
    { role: 'analyst', sql: 'select * from "kpi_values" as "stg_zendesk__user_pii"', expected: 'no leak' },
  ],
  'aliases, CTEs and views': [
    {
      role: 'analyst',
      sql: 'with kpi_values as (select email as value from stg_zendesk__user_pii) select value from kpi_values',
      expected: 'denied',
    },
    {
      role: 'analyst',
      sql: 'select (select max(email) from stg_zendesk__user_pii) as v from kpi_values',
      expected: 'denied',
    },
    {
      role: 'analyst',
      sql: "select count(*) from fct_tickets t where exists (select 1 from stg_zendesk__user_pii p where p.customer_key = t.customer_key and p.email like 'a%')",
      expected: 'denied',
    },
    { role: 'analyst', sql: 'select * from fct_ticket_contacts_recent', expected: 'denied' },
    { role: 'analyst', sql: 'select note from wh_secrets', expected: 'denied' },
    {
      role: 'analyst',
      sql: "select value from fct_ticket_events where field_name = 'subject'",
      expected: 'denied',
    },
    { role: 'analyst', sql: 'select max(length(value)) from fct_ticket_events', expected: 'denied' },
    { role: 'engineer', sql: 'select previous_value, value from fct_ticket_events', expected: 'denied' },
    {
      role: 'analyst',
      sql: 'select field_name, count(*) from fct_ticket_events group by 1',
      expected: 'no leak',
    },
    { role: 'engineer', sql: 'select * from landing_zendesk__ticket_texts', expected: 'denied' },
    { role: 'engineer', sql: 'select * from landing_zendesk__user_pii', expected: 'denied' },
    { role: 'engineer', sql: 'select count(*) from landing_zendesk__tickets', expected: 'no leak' },
  ],
  'multiple statements': [
    { role: 'analyst', sql: 'select 1; select email from stg_zendesk__user_pii', expected: 'denied' },
    { role: 'analyst', sql: 'select 1;select 2', expected: 'denied' },
    { role: 'analyst', sql: 'select 1; set enable_external_access = true', expected: 'denied' },
    { role: 'analyst', sql: 'select 1 ; ; delete from fct_tickets', expected: 'denied' },
  ],
  'table functions': [
    { role: 'compliance', sql: "select * from read_csv('/etc/passwd')", expected: 'denied' },
    { role: 'compliance', sql: "select * from read_csv_auto('/etc/passwd')", expected: 'denied' },
    { role: 'compliance', sql: "select * from read_blob('/etc/hostname')", expected: 'denied' },
    { role: 'compliance', sql: "select * from glob('/etc/*')", expected: 'denied' },
    {
      role: 'analyst',
      sql: "select * from query('select email from stg_zendesk__user_pii')",
      expected: 'denied',
    },
    { role: 'analyst', sql: "select * from query_table('stg_zendesk__user_pii')", expected: 'denied' },
    { role: 'analyst', sql: 'select * from duckdb_tables()', expected: 'denied' },
    { role: 'analyst', sql: 'select * from duckdb_settings()', expected: 'denied' },
    { role: 'analyst', sql: "select * from pragma_table_info('stg_zendesk__user_pii')", expected: 'denied' },
    { role: 'analyst', sql: 'select * from information_schema.columns', expected: 'denied' },
    { role: 'analyst', sql: 'select * from duckdb_views()', expected: 'denied' },
    { role: 'analyst', sql: 'summarize stg_zendesk__user_pii', expected: 'denied' },
    { role: 'analyst', sql: 'describe stg_zendesk__user_pii', expected: 'denied' },
    { role: 'analyst', sql: 'select count(*) from range(10)', expected: 'no leak' },
  ],
  'file paths': [
    { role: 'compliance', sql: "select * from '/etc/passwd'", expected: 'denied' },
    {
      role: 'engineer',
      sql: `select * from '${paths.landingDir}/zendesk/user_pii/*/*.jsonl.gz'`,
      expected: 'denied',
    },
    {
      role: 'engineer',
      sql: `select * from read_json('${paths.landingDir}/zendesk/user_pii/*/*.jsonl.gz')`,
      expected: 'denied',
    },
    { role: 'compliance', sql: `select * from '${paths.exportFile}'`, expected: 'denied' },
    { role: 'compliance', sql: `select * from '${lake()}/../warehouse.duckdb'`, expected: 'denied' },
  ],
  pragmas: [
    { role: 'compliance', sql: 'pragma database_list', expected: 'denied' },
    { role: 'compliance', sql: "pragma table_info('fct_tickets')", expected: 'denied' },
    { role: 'compliance', sql: 'call pragma_version()', expected: 'denied' },
    { role: 'compliance', sql: 'set enable_external_access = true', expected: 'denied' },
    { role: 'compliance', sql: 'reset lock_configuration', expected: 'denied' },
    { role: 'compliance', sql: "set memory_limit = '100GB'", expected: 'denied' },
    { role: 'compliance', sql: 'install httpfs', expected: 'denied' },
    { role: 'compliance', sql: 'load httpfs', expected: 'denied' },
    { role: 'compliance', sql: 'explain select email from stg_zendesk__user_pii', expected: 'denied' },
  ],
  attach: [
    { role: 'compliance', sql: "attach '/tmp/leak.duckdb' as leak", expected: 'denied' },
    { role: 'compliance', sql: 'detach wh', expected: 'denied' },
    { role: 'compliance', sql: 'use memory', expected: 'denied' },
    { role: 'compliance', sql: 'select * from memory.main.fct_tickets', expected: 'denied' },
    { role: 'compliance', sql: 'select * from system.main.duckdb_tables', expected: 'denied' },
  ],
  copy: [
    { role: 'compliance', sql: "copy fct_tickets to '/tmp/leak.csv'", expected: 'denied' },
    {
      role: 'compliance',
      sql: "copy (select * from stg_zendesk__user_pii) to '/tmp/leak.parquet' (format parquet)",
      expected: 'denied',
    },
    { role: 'compliance', sql: "export database '/tmp/leak-export'", expected: 'denied' },
    { role: 'compliance', sql: "copy fct_tickets from '/etc/passwd'", expected: 'denied' },
  ],
  'DDL and DML': [
    { role: 'compliance', sql: 'drop table fct_tickets', expected: 'denied' },
    { role: 'compliance', sql: 'create table x as select 1', expected: 'denied' },
    { role: 'compliance', sql: 'create temp table x as select 1', expected: 'denied' },
    { role: 'compliance', sql: 'create view memory.main.v as select 1', expected: 'denied' },
    { role: 'compliance', sql: 'create macro m(x) as x', expected: 'denied' },
    { role: 'compliance', sql: 'insert into fct_tickets select * from fct_tickets', expected: 'denied' },
    { role: 'compliance', sql: "update fct_tickets set channel = 'x'", expected: 'denied' },
    { role: 'compliance', sql: 'delete from fct_tickets', expected: 'denied' },
    { role: 'compliance', sql: 'alter table fct_tickets add column x int', expected: 'denied' },
    { role: 'compliance', sql: 'truncate fct_tickets', expected: 'denied' },
    { role: 'compliance', sql: 'checkpoint', expected: 'denied' },
    { role: 'compliance', sql: 'vacuum', expected: 'denied' },
    { role: 'compliance', sql: 'begin transaction', expected: 'denied' },
    { role: 'compliance', sql: "create secret s (type s3, key_id 'a', secret 'b')", expected: 'denied' },
  ],
  'pathological size and recursion': [
    {
      role: 'analyst',
      sql: 'select count(*) from range(10000000000000)',
      expected: 'stopped',
      budget: quiet,
    },
    {
      role: 'analyst',
      sql: 'select count(*) from range(100000) a, range(100000) b, range(100000) c',
      expected: 'stopped',
      budget: quiet,
    },
    {
      role: 'analyst',
      sql: "select string_agg(repeat('x', 10000), ',') from range(1000000)",
      expected: 'stopped',
      budget: { memoryLimit: '64MB', maxTempDirectorySize: '0B', processMemoryMb: 600 },
    },
    {
      role: 'analyst',
      sql: "select rpad('x', 1500000000, 'y') as s",
      expected: 'stopped',
      budget: quiet,
    },
  ],
});

describe('issue 13: every listed bypass', () => {
  it.each(issueStatements().map((a) => [a.sql, a] as const))(
    '%s',
    async (_sql, case_) => {
      const { outcome, added } = await attack(case_);

      expect(outcome.kind).toBe(case_.expected);
      expect(JSON.stringify(outcome.rows)).not.toMatch(LEAK_MARKERS);
      // A `started` entry before anything runs, then exactly one outcome naming it.
      expect(added.map((e) => e.outcome)).toEqual(['started', expect.not.stringMatching(/^started$/)]);
      for (const entry of added) expect(entry.details.statement_sha256).toBe(sha256Hex(case_.sql));
      expect(added[1]!.details.started_seq).toBe(added[0]!.seq);
      expect(added[1]!.outcome).toBe(
        case_.expected === 'no leak' ? 'success' : case_.expected === 'denied' ? 'denied' : 'failure',
      );
    },
    60_000,
  );
});

describe.each(Object.entries(families()))('the %s family', (_family, cases) => {
  it.each(cases.map((a) => [a.role, a.sql, a] as const))(
    'as %s: %s',
    async (_role, _sql, case_) => {
      const { outcome, added } = await attack(case_);

      expect(outcome.kind).toBe(case_.expected);
      expect(JSON.stringify(outcome.rows)).not.toMatch(LEAK_MARKERS);
      expect(JSON.stringify(outcome.rows)).not.toContain(hostname);
      // A `started` entry before anything runs, then exactly one outcome naming it.
      expect(added.map((e) => e.outcome)).toEqual(['started', expect.not.stringMatching(/^started$/)]);
      for (const entry of added) expect(entry.details.statement_sha256).toBe(sha256Hex(case_.sql));
      expect(added[1]!.details.started_seq).toBe(added[0]!.seq);
    },
    60_000,
  );
});

describe('after the whole corpus', () => {
  it('has written nothing, changed nothing and kept every statement for compliance', async () => {
    const after = world.fingerprint();
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (p) => before.get(p) !== after.get(p),
    );
    const tickets = await readAsWriter(world, (engine) =>
      engine.execute('select count(*) as n from fct_tickets'),
    );
    const entries = await world.audit.tail(100_000);
    const texts = await Promise.all(
      entries.map((e) => world.statements.get(String(e.details.statement_sha256))),
    );

    expect(changed).toEqual([]);
    expect(tickets.rows).toEqual([{ n: 90 }]);
    expect(entries).toHaveLength(2 * (issueStatements().length + Object.values(families()).flat().length));
    expect(texts.every((t) => t.length > 0)).toBe(true);
    expect(JSON.stringify(entries)).not.toMatch(LEAK_MARKERS);
    expect(await world.audit.verify()).toMatchObject({ ok: true });
  }, 60_000);
});
