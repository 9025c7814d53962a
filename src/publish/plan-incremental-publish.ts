import type { ChangesSince } from '#src/models/model-changes.ts';
import type {
  PublicationManifest,
  PublishedFile,
  PublishedTable,
} from '#src/publish/publication-manifest.ts';

/**
 * Which partitions of one table a publication exports, and which it reuses from the previous one.
 *
 * A partition's files are reused only when all of these hold, so a doubt always exports:
 * - the table is partitioned, a base table (a view's rows move with whatever it reads), and the
 *   previous publication has it with the same columns, partition column and withheld columns, one
 *   CSV per partition and its rows per partition (`partitionRows`), from the same engine;
 * - the transform's change log (`run_model_changes`) existed when the previous publication was
 *   made (its `changesThrough` is set) and tracks the table as a model;
 * - the log records no change of the table as a whole, nor of this partition, since then;
 * - the partition holds as many rows as the previous publication says (a writer outside the
 *   transform, such as retention deleting expired rows, is caught this way);
 * - the previous manifest lists its Parquet and CSV files.
 *
 * A table without partitions is always exported whole: the transform rebuilds such tables (and
 * views) every run, so the log could never say one is unchanged.
 */
export interface TablePublishPlan {
  /** `'all'`: export the whole table; otherwise only these partitions (possibly none). */
  readonly export: 'all' | readonly string[];
  /** Files reused from earlier publications, with `publication` naming their folder. */
  readonly reused: { readonly parquet: readonly PublishedFile[]; readonly csv: readonly PublishedFile[] };
  /** Why the whole table is exported (for the progress line), when it is. */
  readonly reason?: string;
}

export interface TablePublishPlanInput {
  readonly table: string;
  readonly columns: readonly string[];
  readonly withheld: readonly string[];
  readonly partitionBy: string | undefined;
  readonly relation: 'table' | 'view';
  /** Rows per partition now (partitioned tables). */
  readonly partitionRows: ReadonlyMap<string, number>;
  readonly engine: PublicationManifest['engine'];
  /** The current publication before this one, if any could be read. */
  readonly previous: PublicationManifest | undefined;
  /** The change log after the previous publication's `changesThrough`; undefined without a log. */
  readonly changes: ChangesSince | undefined;
}

export function planTablePublish(input: TablePublishPlanInput): TablePublishPlan {
  const all = (reason: string): TablePublishPlan => ({
    export: 'all',
    reused: { parquet: [], csv: [] },
    reason,
  });
  if (!input.partitionBy) return all('no partitions');
  if (input.relation === 'view') return all('a view');
  const previous = input.previous;
  const before = previous?.tables.find((t) => t.name === input.table);
  if (!previous || !before) return all('not in the previous publication');
  if (previous.engine !== input.engine) return all('previous publication from another engine');
  if (!sameShape(before, input)) return all('columns changed');
  if (!before.partitionRows) return all('previous publication has no per-partition files');
  if (!input.changes || !previous.changesThrough) return all('no change log before the previous publication');
  if (!input.changes.tracked.has(input.table)) return all('not tracked by the change log');
  const changed = input.changes.changed.get(input.table);
  if (changed === 'all') return all('rebuilt by the transform');

  const exported: string[] = [];
  const parquet: PublishedFile[] = [];
  const csv: PublishedFile[] = [];
  const from = (file: PublishedFile): PublishedFile => ({
    ...file,
    publication: file.publication ?? previous.runId,
  });
  for (const [partition, rows] of [...input.partitionRows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const oldParquet = before.parquet.filter((f) => f.partition === partition);
    const oldCsv = before.csv.filter((f) => f.partition === partition);
    const unchanged =
      !changed?.has(partition) &&
      before.partitionRows[partition] === rows &&
      oldParquet.length > 0 &&
      oldCsv.length > 0;
    if (unchanged) {
      parquet.push(...oldParquet.map(from));
      csv.push(...oldCsv.map(from));
    } else exported.push(partition);
  }
  return { export: exported, reused: { parquet, csv } };
}

function sameShape(before: PublishedTable, input: TablePublishPlanInput): boolean {
  return (
    before.partitionBy === (input.partitionBy ?? null) &&
    JSON.stringify(before.columns) === JSON.stringify(input.columns) &&
    JSON.stringify(before.withheldColumns) === JSON.stringify(input.withheld)
  );
}
