import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { kpiVersion } from '#src/kpi/catalogue/kpi-version.ts';
import { DEFAULT_MODELS_DIR } from '#src/models/load-models.ts';

const config = parseConfig({});

/** A copy of the repository's models, with one mart's text changed by `edit`. */
function modelsWith(edit: (text: string) => string): string {
  const root = join(mkdtempSync(join(tmpdir(), 'kpi-version-')), 'sql');
  cpSync(DEFAULT_MODELS_DIR, root, { recursive: true });
  const file = join(root, 'marts', 'support', 'fct_tickets.sql');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return root;
}

describe('kpiVersion', () => {
  it('stays the same when only column docs change', () => {
    // Prepare: the models with one column doc reworded, one removed, one added
    const reworded = modelsWith((text) =>
      text
        .replace(/^-- column: channel: .*$/m, '-- column: channel: where the customer wrote from')
        .replace(/^-- column: status: .*\n/m, '')
        .replace('-- column: source:', '-- column: extra_doc: a new line\n-- column: source:'),
    );
    // Act / Assess
    expect(kpiVersion(config, reworded)).toBe(kpiVersion(config, DEFAULT_MODELS_DIR));
  });

  it('changes when the SQL of a model changes', () => {
    // Prepare: one defining expression changed (a closed ticket no longer counts as solved)
    const changed = modelsWith((text) =>
      text.replace("in ('solved', 'closed') as is_solved", "in ('solved') as is_solved"),
    );
    // Act / Assess
    expect(kpiVersion(config, changed)).not.toBe(kpiVersion(config, DEFAULT_MODELS_DIR));
  });
});
