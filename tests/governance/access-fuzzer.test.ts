import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyTable, roleReadsClass, roleReadsColumn } from '#src/governance/access/access-policy.ts';
import { AccessDeniedError } from '#src/governance/access/check-statement.ts';
import type { Role } from '#src/governance/access/role.ts';
import { sha256Hex } from '#src/governance/audit/audit-entry.ts';
import { QueryFailedError, runQueryAsRole } from '#src/governance/query/run-query-as-role.ts';
import { SandboxHost } from '#src/governance/query/sandbox-host.ts';
import {
  type AttackWorld,
  attackWorldFolder,
  buildAttackWorld,
  LEAK_MARKERS,
} from '#tests/governance/fixtures/attack-world.ts';

/**
 * A property-style fuzzer: permitted queries with comment, quote, escape and statement tokens (and
 * fragments of forbidden statements) mixed in at random places. Whatever DuckDB makes of the
 * result, the role never gets a row of a relation or column it may not read, every statement is
 * audited once, and nothing is written.
 */

let world: AttackWorld;
let before: Map<string, string>;
const sandbox = new SandboxHost();

beforeAll(async () => {
  world = await buildAttackWorld(attackWorldFolder('access-fuzzer'));
  before = world.fingerprint();
}, 120_000);
afterAll(async () => {
  await sandbox.close();
  await world.dispose();
});

/** Queries each role may run, as tokens (the fuzzer inserts between them). */
const permitted: Record<'analyst' | 'engineer', readonly (readonly string[])[]> = {
  analyst: [
    ['select', 'period_start', ',', 'value', 'from', 'kpi_values', 'where', 'kpi', '=', "'ticket_volume'"],
    ['select', 'channel', ',', 'count(*)', 'as', 'n', 'from', 'fct_tickets', 'group', 'by', 'channel'],
    ['select', 'score', ',', 'customer_key', 'from', 'fct_satisfaction_ratings', 'limit', '5'],
    ['select', '*', 'from', 'kpi_monthly_wide', 'order', 'by', 'period_start'],
    ['select', 'field_name', ',', 'value', 'from', 'fct_ticket_events', 'limit', '5'],
    ['select', 'customer_key', 'from', 'fct_tickets', 'limit', '3'],
  ],
  engineer: [
    ['select', 'status', 'from', 'warehouse_runs'],
    ['select', 'count(*)', 'from', 'landing_zendesk__tickets'],
    ['select', 'kpi', ',', 'target', 'from', 'cfg_kpi_targets'],
  ],
};

/** Tokens that make parsers disagree, and fragments of what must never get through. */
const noise = [
  '/* x */',
  '/* /* */ */',
  '/* /* */',
  '*/',
  '/*',
  '--',
  '-- x\n',
  '\n',
  "'",
  "'x\\'",
  "e'\\''",
  "''",
  '$$',
  '"',
  '\\',
  ';',
  ',',
  '(',
  ')',
  'email',
  ', email',
  ', body',
  'from stg_zendesk__user_pii',
  'from landing_zendesk__user_pii',
  'join stg_zendesk__comment_texts on true',
  'union all select email from stg_zendesk__user_pii',
  "; copy (select 1) to '/tmp/leak.csv'",
  "; attach '/tmp/leak.duckdb' as leak",
  '; drop table fct_tickets',
  "read_text('/etc/hostname')",
  "from read_parquet('*.parquet')",
  'note from wh_secrets',
];

/** Fragments that turn a permitted query into a bypass when they land in the right place. */
const payloads = [
  'email ,',
  'from stg_zendesk__user_pii --',
  'from stg_zendesk__user_pii /*',
  'from landing_zendesk__user_pii --',
  "from stg_zendesk__user_pii -- '",
  '/* /* */ from stg_zendesk__user_pii -- */',
  "'x' from stg_zendesk__user_pii -- '",
];

const token = fc.oneof(
  { arbitrary: fc.constantFrom(...noise), weight: 3 },
  { arbitrary: fc.constantFrom(...payloads), weight: 2 },
);

const mutatedQuery = (role: 'analyst' | 'engineer') =>
  fc
    .record({
      base: fc.constantFrom(...permitted[role]),
      insertions: fc.array(fc.record({ at: fc.nat(), token }), {
        minLength: 1,
        maxLength: 4,
      }),
    })
    .map(({ base, insertions }) => {
      const tokens = [...base];
      for (const { at, token } of insertions) tokens.splice(at % (tokens.length + 1), 0, token);
      return tokens.join(' ');
    });

async function run(role: Role, sql: string) {
  const seen = (await world.audit.tail(100_000)).length;
  const outcome = await runQueryAsRole({
    duckdb: { database: world.database, allowedDirectories: [world.landingDir] },
    sandbox,
    audit: world.audit,
    statements: world.statements,
    role,
    sql,
    budget: { timeoutMs: 5_000 },
  }).then(
    (result) => ({ kind: 'ok' as const, result }),
    (error: unknown) => ({ kind: 'refused' as const, error }),
  );
  const added = (await world.audit.tail(100_000)).slice(seen);
  return { outcome, added };
}

describe.each(['analyst', 'engineer'] as const)('fuzzed queries of the %s', (role) => {
  it('never return anything outside the role, and are each audited before and after', async () => {
    const outcomes = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(mutatedQuery(role), async (sql) => {
        const { outcome, added } = await run(role, sql);
        outcomes[outcome.kind] += 1;

        // A `started` entry before anything runs, then exactly one outcome naming it.
        expect(added.map((e) => e.outcome)).toEqual(['started', expect.not.stringMatching(/^started$/)]);
        for (const entry of added) expect(entry.details.statement_sha256).toBe(sha256Hex(sql));
        if (outcome.kind === 'refused') {
          expect(
            outcome.error instanceof AccessDeniedError || outcome.error instanceof QueryFailedError,
            String(outcome.error),
          ).toBe(true);
          return;
        }
        const { rows, access } = outcome.result;
        expect(JSON.stringify(rows)).not.toMatch(LEAK_MARKERS);
        for (const table of [...access.tables, ...access.throughViews]) {
          const cls = classifyTable(table).class;
          if (access.tables.includes(table)) expect(roleReadsClass(role, cls), table).toBe(true);
          expect(cls, table).not.toBe('restricted');
        }
        for (const qualified of access.columns) {
          const [table, column] = qualified.split('.') as [string, string];
          const sensitive = classifyTable(table, [column]).sensitive.get(column);
          if (sensitive) expect(roleReadsColumn(role, sensitive), qualified).toBe(true);
        }
        expect(added[1]!.outcome).toBe('success');
        expect(added[1]!.details.tables).toEqual([...access.tables]);
      }),
      // A fixed seed keeps CI repeatable; FUZZ_SEED explores further.
      { numRuns: 40, seed: Number(process.env.FUZZ_SEED ?? (role === 'analyst' ? 13 : 7)) },
    );
    // The fuzzer must exercise both sides, or it proves nothing.
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 300_000);
});

describe('after fuzzing', () => {
  it('nothing was written anywhere', () => {
    const after = world.fingerprint();
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (p) => before.get(p) !== after.get(p),
    );

    expect(changed).toEqual([]);
  });
});
