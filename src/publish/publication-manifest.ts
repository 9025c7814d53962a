import * as z from 'zod';
import { missingStreamSchema } from '#src/extract/stream-health.ts';
import { runIdSchema } from '#src/shared/run-id.ts';

/**
 * The manifest written last into every publication, and the pointer that names the current one.
 * Readers parse both with these schemas; paths in a manifest are relative to the publication's
 * folder, so a publication can be copied elsewhere whole and still be checked against it.
 */
export const PUBLISHED_ROOT = 'published';
export const CURRENT_POINTER_KEY = `${PUBLISHED_ROOT}/CURRENT.json`;
export const PUBLICATIONS_PREFIX = `${PUBLISHED_ROOT}/publications/`;
export const MANIFEST_FILE = 'manifest.json';
export const DASHBOARD_FILE = 'dashboard/index.html';
/** The data dictionary page, beside the dashboard (which links to it as `dictionary.html`). */
export const DICTIONARY_FILE = 'dashboard/dictionary.html';

/** A run id is one key segment, in the one format of `src/shared/run-id.ts`. */
export { runIdSchema };

export const publishedFileSchema = z.strictObject({
  /** Relative to the publication folder, e.g. `parquet/fct_tickets/created_month=2026-01/part-0.parquet`. */
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Hive partition value (`2026-01`) for month-partitioned Parquet (and, since incremental publishing, CSV). */
  partition: z.string().optional(),
  /**
   * Run id of the publication folder holding the file, when it is not this publication's own: an
   * unchanged partition is reused from the publication that wrote it. Absent: this folder.
   */
  publication: runIdSchema.optional(),
});
export type PublishedFile = z.infer<typeof publishedFileSchema>;

export const publishedTableSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(['mart', 'fact', 'dimension']),
  rowCount: z.number().int().nonnegative(),
  /** Published columns, in file order (the partition column last in Parquet, where it is the folder name). */
  columns: z.array(z.string()),
  /** Columns of the source table left out because the analyst role may not read them. */
  withheldColumns: z.array(z.string()),
  partitionBy: z.string().nullable(),
  parquet: z.array(publishedFileSchema),
  csv: z.array(publishedFileSchema),
  /**
   * Rows per partition value, for partitioned tables published with one CSV per partition (what a
   * later publication compares to reuse a partition's files). Absent in older manifests.
   */
  partitionRows: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** What each published column means (the data dictionary's text, from the model headers). Absent in older manifests. */
  columnDescriptions: z.record(z.string(), z.string()).optional(),
});
export type PublishedTable = z.infer<typeof publishedTableSchema>;

export const dataTestGateRecordSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('passed'), tests: z.number().int().nonnegative().nullable() }),
  z.strictObject({ status: z.literal('skipped'), reason: z.string().min(1) }),
]);

/**
 * Whether every source stream of the run was extracted to its end. A partial publication (only
 * ever made when asked for) lists what is missing and since when; null when the publisher was not
 * told (`warehouse publish` alone).
 */
export const completenessRecordSchema = z.strictObject({
  complete: z.boolean(),
  /** Every stream the run extracted, `source/stream`. */
  streams: z.array(z.string()),
  missing: z.array(missingStreamSchema),
});
export type CompletenessRecord = z.infer<typeof completenessRecordSchema>;

export const publicationManifestSchema = z.strictObject({
  format: z.literal('support-kpi-warehouse/publication@1'),
  runId: runIdSchema,
  kpiVersion: z.string().min(1),
  createdAt: z.iso.datetime(),
  engine: z.enum(['duckdb', 'athena']),
  dataTests: dataTestGateRecordSchema,
  tables: z.array(publishedTableSchema),
  /** Tables of the published list the warehouse did not have (a mart not built yet). */
  missingTables: z.array(z.string()),
  dashboard: publishedFileSchema.nullable(),
  /** The data dictionary page (`DICTIONARY_FILE`); absent in older manifests. */
  dictionary: publishedFileSchema.nullable().optional(),
  completeness: completenessRecordSchema.nullable().default(null),
  /** The publication current before this one switched (absent in older manifests). */
  previousRunId: runIdSchema.nullable().optional(),
  /**
   * The transform change log (`run_model_changes.recorded_at`) this publication has seen up to:
   * the next publication exports the partitions changed after it. Null: no log (everything was
   * exported); absent in older manifests.
   */
  changesThrough: z.string().nullable().optional(),
});
export type PublicationManifest = z.infer<typeof publicationManifestSchema>;

export const currentPointerSchema = z.strictObject({
  format: z.literal('support-kpi-warehouse/current@1'),
  runId: runIdSchema,
  /** Object-store key of the publication folder, ending with `/`. */
  prefix: z.string().startsWith(PUBLICATIONS_PREFIX).endsWith('/'),
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  switchedAt: z.iso.datetime(),
});
export type CurrentPointer = z.infer<typeof currentPointerSchema>;

export function publicationPrefix(runId: string): string {
  return `${PUBLICATIONS_PREFIX}${runIdSchema.parse(runId)}/`;
}

/** Object-store key of a file a publication's manifest lists (in its own folder or one it reuses). */
export function publishedFileKey(runId: string, file: Pick<PublishedFile, 'path' | 'publication'>): string {
  return `${publicationPrefix(file.publication ?? runId)}${file.path}`;
}

/** The files a manifest lists outside its tables: the dashboard and the data dictionary page. */
export function pageFiles(manifest: PublicationManifest): PublishedFile[] {
  return [manifest.dashboard, manifest.dictionary].filter(
    (f): f is PublishedFile => f !== null && f !== undefined,
  );
}

/** Every object key a manifest references: its files, wherever they are, its pages and itself. */
export function manifestKeys(manifest: PublicationManifest): string[] {
  return [...manifest.tables.flatMap((t) => [...t.parquet, ...t.csv]), ...pageFiles(manifest)]
    .map((file) => publishedFileKey(manifest.runId, file))
    .concat(`${publicationPrefix(manifest.runId)}${MANIFEST_FILE}`);
}
