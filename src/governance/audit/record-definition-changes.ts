import { canonicalJson, sha256Hex } from './audit-entry.ts';
import type { AuditLog } from './audit-log.ts';

export interface TrackedDefinition {
  readonly action: 'config.change' | 'kpi_definition.change';
  /** What it is: `warehouse-config`, or a KPI name. */
  readonly target: string;
  /** The definition; only its SHA-256 is recorded (configuration may hold endpoints, never secrets). */
  readonly value: unknown;
}

/**
 * Audit configuration and KPI-definition changes: for each definition whose canonical SHA-256
 * differs from the last one recorded for the same action and target, append an entry with the old
 * and new hashes. Call it at the start of every pipeline run; unchanged definitions add nothing.
 */
export async function recordDefinitionChanges(
  audit: AuditLog,
  definitions: readonly TrackedDefinition[],
  actor?: string,
): Promise<TrackedDefinition[]> {
  const last = new Map<string, string>();
  for await (const entry of audit.entries()) {
    if (entry.action !== 'config.change' && entry.action !== 'kpi_definition.change') continue;
    const hash = entry.details.sha256;
    if (typeof hash === 'string') last.set(`${entry.action} ${entry.target}`, hash);
  }
  const changed: TrackedDefinition[] = [];
  for (const definition of definitions) {
    const hash = sha256Hex(canonicalJson(definition.value));
    const previous = last.get(`${definition.action} ${definition.target}`);
    if (previous === hash) continue;
    await audit.append({
      actor,
      role: 'pipeline',
      action: definition.action,
      target: definition.target,
      outcome: 'success',
      details: { sha256: hash, previous_sha256: previous ?? null },
    });
    changed.push(definition);
  }
  return changed;
}
