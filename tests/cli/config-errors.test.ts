import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '#src/cli/main.ts';

/*
 * An invalid configuration stops the real command line before anything is read or written, and
 * says which field is wrong. The CLI runs in this process (`runCli`), as `bin/warehouse.mjs` runs it.
 */
let dir: string;
let errors: string[];
const cwdBefore = readdirSync(process.cwd()).sort();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-config-'));
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args.map(String).join(' '));
  });
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** A configuration whose every folder is in the test's own folder, with `change` merged on top. */
function configWith(change: (base: Record<string, unknown>) => unknown): unknown {
  return change({
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit: '512MB', threads: 1 },
    stateDir: join(dir, 'state'),
    simulator: { days: 1, ticketsPerDay: 5 },
  });
}

const cases: [string, string[], (base: Record<string, unknown>) => unknown, string][] = [
  ['a file holding null', ['run'], () => null, '(root)'],
  [
    'a memory limit that is no amount',
    ['run'],
    (b) => ({ ...b, engine: { kind: 'duckdb', memoryLimit: 'lots' } }),
    'engine.memoryLimit',
  ],
  [
    'a memory limit DuckDB itself refuses',
    ['run'],
    (b) => ({ ...b, engine: { kind: 'duckdb', database: ':memory:', memoryLimit: '0GB' } }),
    'engine.memoryLimit: DuckDB refuses',
  ],
  [
    'an unknown time zone',
    ['run'],
    (b) => ({ ...b, desk: { reportingTimeZone: 'Mars/Olympus' } }),
    'desk.reportingTimeZone',
  ],
  [
    'a file:// base URL',
    ['run'],
    (b) => ({ ...b, sources: { zendesk: { baseUrl: 'file:///etc/passwd' } } }),
    'sources.zendesk.baseUrl',
  ],
  [
    'a javascript: base URL',
    ['extract'],
    (b) => ({ ...b, sources: { hubspot: { baseUrl: 'javascript:alert(1)' } } }),
    'sources.hubspot.baseUrl',
  ],
  ['an empty state folder', ['retention'], (b) => ({ ...b, stateDir: '' }), 'stateDir'],
  [
    'an alert file outside the state folder',
    ['run'],
    (b) => ({ ...b, alerts: { file: '../../../tmp/alerts.jsonl' } }),
    'alerts.file',
  ],
  [
    'a text window beyond the spec',
    ['retention'],
    (b) => ({ ...b, governance: { retention: { textMonths: 24 } } }),
    'governance.retention.textMonths',
  ],
  [
    'an unknown table in retention.tables',
    ['retention', '--dry-run'],
    (b) => ({ ...b, governance: { retention: { tables: { fct_tickts: 18 } } } }),
    'governance.retention.tables.fct_tickts',
  ],
  [
    'an unknown time zone, for a query',
    ['query', '--role', 'analyst', 'select 1'],
    (b) => ({
      ...b,
      sla: {
        schedules: {
          desk: { timeZone: 'Europe/Atlantis', hours: [{ days: ['mon'], open: '09:00', close: '17:00' }] },
        },
      },
    }),
    'sla.schedules.desk.timeZone',
  ],
];

describe('warehouse with an invalid configuration', () => {
  it.each(cases)(
    'stops on %s, naming the field, having written nothing',
    async (_name, args, change, field) => {
      // Prepare
      const file = join(dir, 'warehouse.json');
      await writeFile(file, JSON.stringify(configWith(change)));

      // Act
      const code = await runCli(['node', 'warehouse', '--config', file, ...args]);

      // Assess
      expect(code, errors.join('\n')).toBe(2);
      expect(errors.join('\n')).toContain(`${field}`);
      expect(errors.join('\n')).toContain('nothing was read or written');
      expect(readdirSync(dir)).toEqual(['warehouse.json']);
      expect(readdirSync(process.cwd()).sort()).toEqual(cwdBefore);
      expect(existsSync(join(process.cwd(), 'secrets'))).toBe(false);
    },
  );
});
