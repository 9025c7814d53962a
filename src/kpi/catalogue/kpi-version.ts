import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenize } from '#src/engines/athena/sql-tokens.ts';
import type { DeskConfig, KpisConfig, SlaConfig } from '#src/kpi/kpi-config.ts';

const SQL_ROOT = fileURLToPath(new URL('../../../sql/', import.meta.url));

function sqlFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sqlFiles(path);
    return entry.name.endsWith('.sql') ? [path] : [];
  });
}

/**
 * The model layers whose SQL defines the KPIs: intermediate (what a ticket's metrics are) and marts
 * (how they aggregate). Staging only renames and casts; the change layer (`chg_*`) only chooses
 * what a run recomputes, which an incremental-equals-full run proves cannot move a number.
 */
const DEFINING_FOLDERS = ['intermediate', 'marts'];

/**
 * A model's SQL as the engine reads it: its tokens, comments (the header and column docs included)
 * and whitespace dropped, keywords and unquoted identifiers upper-cased (SQL does not tell their
 * case apart), quoted identifiers and string literals as they are.
 */
export function definitionTokens(sql: string): string {
  return tokenize(sql)
    .map((token) => (token.kind === 'word' ? token.value : token.text))
    .join(' ');
}

/**
 * The version of the KPI definitions: a content hash of everything that decides a published
 * number — the catalogue (formulas, targets, weights), the SLA policies and schedules, the desk
 * (bots, tiers, categories, reporting zone) and the tokens of the intermediate and mart models.
 * A real change to one of them gives a new version; a comment, a re-indentation or a change in the
 * change-tracking plumbing keeps it (and so neither is audited as a definition change nor forces a
 * full rebuild).
 */
export function kpiVersion(
  config: { readonly kpis: KpisConfig; readonly sla: SlaConfig; readonly desk: DeskConfig },
  sqlRoot = SQL_ROOT,
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ catalogue: config.kpis.catalogue, sla: config.sla, desk: config.desk }));
  // By model name (a model's folder is where it lives, not what it means), in name order.
  const files = DEFINING_FOLDERS.flatMap((folder) => sqlFiles(join(sqlRoot, folder)))
    .map((file) => ({ name: basename(file, '.sql'), file }))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const { name, file } of files) {
    hash.update(`\0${name}\0`);
    hash.update(definitionTokens(readFileSync(file, 'utf8')));
  }
  return `kpi-${hash.digest('hex').slice(0, 12)}`;
}
