import { createHash } from 'node:crypto';
import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import { tokenize } from '#src/engines/athena/sql-tokens.ts';
import { DEFAULT_MODELS_DIR, loadModels, type ModelLayer } from '#src/models/load-models.ts';

/**
 * The model layers whose SQL defines the KPIs: intermediate (what a ticket's metrics are) and marts
 * (how they aggregate). Staging only renames and casts; the change layer (`chg_*`) only chooses
 * what a run recomputes, which an incremental-equals-full run proves cannot move a number.
 */
const DEFINING_LAYERS: readonly ModelLayer[] = ['intermediate', 'marts'];

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
  config: Pick<WarehouseConfig, 'kpis' | 'sla' | 'desk'>,
  sqlRoot = DEFAULT_MODELS_DIR,
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ catalogue: config.kpis.catalogue, sla: config.sla, desk: config.desk }));
  const models = loadModels(sqlRoot)
    .filter((model) => DEFINING_LAYERS.includes(model.layer))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const model of models) {
    hash.update(`\0${model.name}\0`);
    hash.update(definitionTokens(model.sql));
  }
  return `kpi-${hash.digest('hex').slice(0, 12)}`;
}
