import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeskConfig, KpisConfig, SlaConfig } from '#src/kpi/kpi-config.ts';

const SQL_ROOT = fileURLToPath(new URL('../../../sql/', import.meta.url));
/** The model folders whose text defines the KPIs (staging only renames and casts). */
const DEFINING_FOLDERS = ['intermediate', 'marts'];

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
 * The version of the KPI definitions: a content hash of everything that decides a published
 * number — the catalogue (formulas, targets, weights), the SLA policies and schedules, the desk
 * (bots, tiers, categories, reporting zone) and the SQL of the intermediate and mart models.
 * Any change to one of them gives a new version; an unchanged setup keeps its version across runs.
 */
export function kpiVersion(
  config: { readonly kpis: KpisConfig; readonly sla: SlaConfig; readonly desk: DeskConfig },
  sqlRoot = SQL_ROOT,
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ catalogue: config.kpis.catalogue, sla: config.sla, desk: config.desk }));
  const files = DEFINING_FOLDERS.flatMap((folder) => sqlFiles(join(sqlRoot, folder))).sort();
  for (const file of files) {
    hash.update(`\0${relative(sqlRoot, file)}\0`);
    // Column docs (`-- column:` header lines) describe, they do not define: masked.
    hash.update(readFileSync(file, 'utf8').replace(/^--\s*column\s*:.*\n/gim, ''));
  }
  return `kpi-${hash.digest('hex').slice(0, 12)}`;
}
