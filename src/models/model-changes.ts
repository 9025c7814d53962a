import { createKysely } from '#src/engines/create-kysely.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import type { ColumnType } from '#src/landing/columns.ts';

/**
 * What each model build changed, as the transform knows it: the partitions an incremental MERGE
 * (or partition replacement) wrote, or the whole relation for a rebuild or a view. The publisher
 * reads it to export only the partitions changed since the previous publication
 * (`src/publish/plan-incremental-publish.ts`).
 *
 * One row per changed partition; `whole_table` rows say every partition may have changed; a model
 * built without any change still gets one row (`partition_value` NULL, `whole_table` false), so the
 * publisher knows the model is tracked and unchanged rather than unknown. The `run_` prefix makes
 * it operational metadata in the access policy.
 */
export { MODEL_CHANGES_TABLE } from '#src/shared/runner-tables.ts';

import { MODEL_CHANGES_TABLE } from '#src/shared/runner-tables.ts';

export interface ModelChangesTable {
  run_id: string;
  model: string;
  partition_value: string | null;
  whole_table: boolean;
  /** ISO-8601 UTC: when the transform recorded it (the publisher's watermark is on this column). */
  recorded_at: string;
}

interface ModelChangesDatabase {
  run_model_changes: ModelChangesTable;
}

const columns: Record<keyof ModelChangesTable, ColumnType> = {
  run_id: 'varchar',
  model: 'varchar',
  partition_value: 'varchar',
  whole_table: 'boolean',
  recorded_at: 'varchar',
};

/** What one model build changed: every partition (`'all'`), these partitions, or nothing (`[]`). */
export interface ModelChange {
  readonly model: string;
  readonly partitions: 'all' | readonly string[];
}

/**
 * Record the changes of a run's model builds, in batches (one INSERT per 500 rows keeps each
 * statement well under Athena's query-length limit).
 */
export async function recordModelChanges(
  engine: QueryEngine,
  input: { readonly runId: string; readonly changes: readonly ModelChange[]; readonly now: Date },
): Promise<void> {
  if (input.changes.length === 0) return;
  await engine.execute(engine.statements.createTableIfMissing(MODEL_CHANGES_TABLE, columns));
  const recordedAt = input.now.toISOString();
  const rows: ModelChangesTable[] = input.changes.flatMap((change) =>
    change.partitions === 'all'
      ? [row(input.runId, change.model, null, true, recordedAt)]
      : change.partitions.length === 0
        ? [row(input.runId, change.model, null, false, recordedAt)]
        : change.partitions.map((p) => row(input.runId, change.model, p, false, recordedAt)),
  );
  const db = createKysely<ModelChangesDatabase>(engine);
  try {
    for (let i = 0; i < rows.length; i += 500) {
      await db
        .insertInto(MODEL_CHANGES_TABLE)
        .values(rows.slice(i, i + 500))
        .execute();
    }
  } finally {
    await db.destroy();
  }
}

/** What changed since a watermark, per model, and which models the log knows at all. */
export interface ChangesSince {
  /** Models with at least one row ever: a model absent here is unknown to the log (not tracked). */
  readonly tracked: ReadonlySet<string>;
  /** Per model: `'all'`, or the partitions changed in rows recorded after the watermark. */
  readonly changed: ReadonlyMap<string, 'all' | ReadonlySet<string>>;
  /** The latest `recorded_at` in the log (the next watermark); undefined for an empty log. */
  readonly through: string | undefined;
}

/**
 * Read the change log after `since` (exclusive; `undefined` = everything). Undefined when there
 * is no log yet (no transform has recorded one): the caller must then assume everything changed.
 */
export async function readModelChanges(
  engine: QueryEngine,
  since: string | undefined,
): Promise<ChangesSince | undefined> {
  if (!(await engine.relationExists(MODEL_CHANGES_TABLE))) return undefined;
  const db = createKysely<ModelChangesDatabase>(engine);
  try {
    const models = await db
      .selectFrom(MODEL_CHANGES_TABLE)
      .select((eb) => ['model', eb.fn.max('recorded_at').as('latest')])
      .groupBy('model')
      .execute();
    let query = db
      .selectFrom(MODEL_CHANGES_TABLE)
      .select(['model', 'partition_value', 'whole_table'])
      .distinct();
    if (since !== undefined) query = query.where('recorded_at', '>', since);
    const rows = await query.execute();
    const changed = new Map<string, 'all' | Set<string>>();
    for (const r of rows) {
      const known = changed.get(r.model) ?? new Set<string>();
      if (known === 'all') continue;
      if (r.whole_table) changed.set(r.model, 'all');
      else {
        if (r.partition_value !== null) known.add(r.partition_value);
        changed.set(r.model, known);
      }
    }
    const latest = models.map((m) => String(m.latest)).sort();
    return { tracked: new Set(models.map((m) => m.model)), changed, through: latest.at(-1) };
  } finally {
    await db.destroy();
  }
}

function row(
  runId: string,
  model: string,
  partition: string | null,
  whole: boolean,
  recordedAt: string,
): ModelChangesTable {
  return { run_id: runId, model, partition_value: partition, whole_table: whole, recorded_at: recordedAt };
}
