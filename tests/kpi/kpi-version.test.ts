import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { kpiVersion } from '#src/kpi/catalogue/kpi-version.ts';
import { DEFAULT_MODELS_DIR, loadModels } from '#src/models/load-models.ts';

const config = parseConfig({});
const copies: string[] = [];

/** A copy of the repository's models, with each of `files` rewritten by `edit` (which must change it). */
function modelsWith(files: string | readonly string[], edit: (sql: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-version-'));
  copies.push(dir);
  cpSync(DEFAULT_MODELS_DIR, dir, { recursive: true });
  for (const file of typeof files === 'string' ? [files] : files) {
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = edit(before);
    expect(after, file).not.toBe(before);
    writeFileSync(path, after);
  }
  return dir;
}

const fileOf = (name: string) => loadModels().find((m) => m.name === name)?.file as string;

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the KPI version', () => {
  it('stays the same when comments are added or edited in every model, intermediate, change and mart', () => {
    // Prepare
    const base = kpiVersion(config);
    const models = loadModels().filter((m) => m.layer !== 'staging');
    const dir = modelsWith(
      models.map((m) => m.file),
      (sql) =>
        sql
          .replace(/^-- description: /m, '-- description: (reworded) ')
          .replace(/\nselect/i, '\n-- a new remark\nselect /* inline */'),
    );

    // Act
    const version = kpiVersion(config, dir);

    // Assess
    expect(models.length).toBeGreaterThan(40);
    expect(version).toBe(base);
  });

  it('stays the same when a mart is re-indented and its keywords change case', () => {
    // Prepare
    const dir = modelsWith(fileOf('kpi_values'), (sql) =>
      sql
        .split('\n')
        .map((line) => (line.startsWith('--') ? line : `    ${line.replace(/\bselect\b/g, 'SELECT')}`))
        .join('\r\n')
        .replace(/ as /g, '  as\n  '),
    );

    // Act
    const version = kpiVersion(config, dir);

    // Assess
    expect(version).toBe(kpiVersion(config));
  });

  it('changes when an expression in a mart changes', () => {
    // Prepare
    const dir = modelsWith(fileOf('agent_performance'), (sql) => sql.replace('1e0 as num', '2e0 as num'));

    // Act
    const version = kpiVersion(config, dir);

    // Assess
    expect(version).not.toBe(kpiVersion(config));
  });

  it('changes when a string literal in an intermediate model changes', () => {
    // Prepare
    const dir = modelsWith(fileOf('int_ticket_index'), (sql) =>
      sql.replace("'solved', 'closed'", "'solved', 'Closed'"),
    );

    // Act
    const version = kpiVersion(config, dir);

    // Assess
    expect(version).not.toBe(kpiVersion(config));
  });

  it('stays the same when the change-tracking plumbing changes its SQL', () => {
    // Prepare
    const dir = modelsWith(fileOf('chg_affected_event_months'), (sql) =>
      sql.replace('where m.event_month >=', 'where m.event_month > '),
    );

    // Act
    const version = kpiVersion(config, dir);

    // Assess
    expect(version).not.toBe('');
    expect(version).toBe(kpiVersion(config));
  });
});
