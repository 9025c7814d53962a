import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Token } from '../sql-tokens.ts';

/**
 * The local Athena's Iceberg data files: every write to an Iceberg table leaves real Parquet files
 * at the table's location, and snapshots say which files make up the table, so what Athena's
 * documentation says about deleted rows can be checked by reading the files:
 *
 * - INSERT writes a data file of the rows it adds. DELETE / UPDATE / MERGE are merge-on-read, as
 *   Athena's are: the rows they remove stay in the data files they were in, and a position-delete
 *   file marks them (https://docs.aws.amazon.com/athena/latest/ug/querying-iceberg-data-optimization.html:
 *   "delete files store row-level deletes, and the engine must apply the deleted rows").
 * - OPTIMIZE … REWRITE DATA USING BIN_PACK rewrites the table's data files without the deleted rows,
 *   when its thresholds say so (`optimize_rewrite_delete_file_threshold`, default 2, and
 *   `optimize_rewrite_data_file_threshold`, default 5;
 *   https://docs.aws.amazon.com/athena/latest/ug/optimize-statement.html).
 * - VACUUM expires snapshots older than `vacuum_max_snapshot_age_seconds` (default 432,000 s, 5 days)
 *   beyond `vacuum_min_snapshots_to_keep` (default 1), deletes the files only expired snapshots
 *   referenced, and orphan files older than the same age
 *   (https://docs.aws.amazon.com/athena/latest/ug/vacuum-statement.html).
 *
 * Simplifications, stated: a delete file holds the number of rows it deletes, not their positions
 * (a real position-delete file holds file paths and positions, no row data either); OPTIMIZE rewrites
 * the whole table into one file when a threshold is met (the files here are all far below the
 * target size); partitioning does not split files; `WHERE` on OPTIMIZE is not honoured.
 */

export interface IcebergProperties {
  readonly maxSnapshotAgeSeconds: number;
  readonly minSnapshotsToKeep: number;
  readonly rewriteDeleteFileThreshold: number;
  readonly rewriteDataFileThreshold: number;
  readonly compression: string;
}

export const ICEBERG_DEFAULTS: IcebergProperties = {
  maxSnapshotAgeSeconds: 432_000,
  minSnapshotsToKeep: 1,
  rewriteDeleteFileThreshold: 2,
  rewriteDataFileThreshold: 5,
  compression: 'zstd',
};

const PROPERTY_NAMES: Readonly<Record<string, keyof IcebergProperties>> = {
  vacuum_max_snapshot_age_seconds: 'maxSnapshotAgeSeconds',
  vacuum_min_snapshots_to_keep: 'minSnapshotsToKeep',
  optimize_rewrite_delete_file_threshold: 'rewriteDeleteFileThreshold',
  optimize_rewrite_data_file_threshold: 'rewriteDataFileThreshold',
  write_compression: 'compression',
};

/** Table properties from a CTAS `WITH (…)` map or a `TBLPROPERTIES (…)` clause, defaults for the rest. */
export function icebergProperties(
  given: Readonly<Record<string, unknown>>,
  base: IcebergProperties = ICEBERG_DEFAULTS,
): IcebergProperties {
  const out: Record<string, string | number> = { ...base };
  for (const [key, value] of Object.entries(given)) {
    const field = PROPERTY_NAMES[key.toLowerCase()];
    if (!field || value === undefined) continue;
    out[field] = field === 'compression' ? String(value).toLowerCase() : Number(value);
  }
  return out as unknown as IcebergProperties;
}

/** `TBLPROPERTIES ('k' = 'v', …)`: the quoted keys and values. */
export function tblProperties(tokens: readonly Token[]): Record<string, string> {
  const at = tokens.findIndex((t) => t.kind === 'word' && t.value === 'TBLPROPERTIES');
  const out: Record<string, string> = {};
  if (at < 0) return out;
  for (let i = at + 2; i + 2 < tokens.length && tokens[i]?.value !== ')'; i++) {
    const key = tokens[i];
    const value = tokens[i + 2];
    if (key?.kind === 'string' && tokens[i + 1]?.value === '=' && value) {
      out[key.value.toLowerCase()] = value.value;
      i += 2;
    }
  }
  return out;
}

export interface IcebergFile {
  readonly uri: string;
  readonly content: 'data' | 'position-deletes';
  readonly rows: number;
  readonly writtenAt: number;
}

export interface IcebergFileSnapshot {
  readonly id: number;
  readonly at: number;
  readonly operation: string;
  readonly files: readonly IcebergFile[];
}

export interface IcebergTableFiles {
  /** Replaced by `ALTER TABLE … SET TBLPROPERTIES`. */
  properties: IcebergProperties;
  /** Oldest first; the last is the current snapshot. */
  snapshots: IcebergFileSnapshot[];
  /** Every file written at the location and not deleted yet (referenced or orphan). */
  written: IcebergFile[];
}

export interface MaintenanceOutcome {
  readonly filesRewritten: number;
  readonly snapshotsExpired: number;
  readonly filesDeleted: number;
}

export interface IcebergFileStoreOptions {
  readonly s3?: S3Client;
  readonly workDir: string;
  readonly clock: () => Date;
}

/** Writes, rewrites and deletes the data files of the local Athena's Iceberg tables. */
export class IcebergFileStore {
  private nextSnapshot = 1;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly options: IcebergFileStoreOptions,
  ) {}

  /** A new table's file state: one empty snapshot (CREATE TABLE), or the CTAS rows in one data file. */
  async create(
    properties: IcebergProperties,
    location: string | undefined,
    table: string,
    withRows: boolean,
  ): Promise<IcebergTableFiles> {
    const state: IcebergTableFiles = { properties, snapshots: [], written: [] };
    const files = withRows ? await this.writeData(state, location, table, `SELECT * FROM ${dq(table)}`) : [];
    this.commit(state, withRows ? 'create-as-select' : 'create', files);
    return state;
  }

  /**
   * After a write statement: a data file of the rows it added and a delete file for the rows it
   * removed; the files already in the table stay in it (merge-on-read).
   */
  async afterWrite(
    state: IcebergTableFiles,
    location: string | undefined,
    table: string,
    added: string,
    removedRows: number,
    operation: string,
  ): Promise<void> {
    const files = await this.writeData(state, location, table, added);
    if (removedRows > 0) files.push(await this.writeDeletes(state, location, table, removedRows));
    if (files.length === 0) return;
    this.commit(state, operation, [...this.current(state), ...files]);
  }

  /** OPTIMIZE … REWRITE DATA USING BIN_PACK: one file of the table's rows, deletes applied. */
  async optimize(state: IcebergTableFiles, location: string | undefined, table: string): Promise<number> {
    const live = this.current(state);
    const data = live.filter((f) => f.content === 'data');
    const deletes = live.filter((f) => f.content === 'position-deletes');
    const dueToDeletes = deletes.length > 0 && deletes.length >= state.properties.rewriteDeleteFileThreshold;
    const dueToSize = data.length >= state.properties.rewriteDataFileThreshold && data.length > 1;
    if (!dueToDeletes && !dueToSize) return 0;
    const files = await this.writeData(state, location, table, `SELECT * FROM ${dq(table)}`);
    this.commit(state, 'replace', files);
    return data.length;
  }

  /** VACUUM: expire old snapshots, delete the files nothing retained references and old orphans. */
  async vacuum(state: IcebergTableFiles): Promise<Omit<MaintenanceOutcome, 'filesRewritten'>> {
    const now = this.options.clock().getTime();
    const horizon = now - state.properties.maxSnapshotAgeSeconds * 1000;
    const keepNewest = Math.max(1, state.properties.minSnapshotsToKeep);
    const before = state.snapshots.length;
    state.snapshots = state.snapshots.filter(
      (s, i) => i >= state.snapshots.length - keepNewest || s.at >= horizon,
    );
    const referenced = new Set(state.snapshots.flatMap((s) => s.files.map((f) => f.uri)));
    const expiredOnly = new Set<string>();
    const gone = state.written.filter((f) => !referenced.has(f.uri));
    // Files of expired snapshots go now; files no snapshot ever took (a failed write) once old enough.
    for (const f of gone) if (f.writtenAt < horizon || this.wasCommitted(f)) expiredOnly.add(f.uri);
    await this.deleteFiles([...expiredOnly]);
    state.written = state.written.filter((f) => !expiredOnly.has(f.uri));
    return { snapshotsExpired: before - state.snapshots.length, filesDeleted: expiredOnly.size };
  }

  /** DROP TABLE of an Iceberg table deletes its data files. */
  async drop(state: IcebergTableFiles): Promise<void> {
    await this.deleteFiles(state.written.map((f) => f.uri));
    state.written = [];
  }

  current(state: IcebergTableFiles): readonly IcebergFile[] {
    return state.snapshots.at(-1)?.files ?? [];
  }

  private committed = new Set<string>();

  private wasCommitted(file: IcebergFile): boolean {
    return this.committed.has(file.uri);
  }

  private commit(state: IcebergTableFiles, operation: string, files: readonly IcebergFile[]): void {
    for (const f of files) this.committed.add(f.uri);
    state.snapshots.push({ id: this.nextSnapshot++, at: this.options.clock().getTime(), operation, files });
  }

  private async writeData(
    state: IcebergTableFiles,
    location: string | undefined,
    table: string,
    select: string,
  ): Promise<IcebergFile[]> {
    const rows = Number(
      (await this.connection.runAndReadAll(`SELECT count(*) FROM (${select})`)).getRowsJS()[0]?.[0] ?? 0,
    );
    if (rows === 0) return [];
    return [await this.writeFile(state, location, table, 'data', select, rows)];
  }

  private writeDeletes(
    state: IcebergTableFiles,
    location: string | undefined,
    table: string,
    rows: number,
  ): Promise<IcebergFile> {
    return this.writeFile(
      state,
      location,
      table,
      'position-deletes',
      `SELECT CAST(${rows} AS BIGINT) AS deleted_rows`,
      rows,
    );
  }

  private async writeFile(
    state: IcebergTableFiles,
    location: string | undefined,
    table: string,
    content: IcebergFile['content'],
    select: string,
    rows: number,
  ): Promise<IcebergFile> {
    const base = tableRoot(location, this.options.workDir, table, this.options.s3 !== undefined);
    const name = `${content === 'data' ? 'data' : 'data/deletes'}/${randomUUID()}.parquet`;
    const staging = join(this.options.workDir, 'iceberg-staging', `${randomUUID()}.parquet`);
    await mkdir(join(this.options.workDir, 'iceberg-staging'), { recursive: true });
    const compression =
      state.properties.compression === 'none' ? 'uncompressed' : state.properties.compression;
    await this.connection.run(
      `COPY (${select}) TO '${staging.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION ${compression})`,
    );
    const uri = `${base}${name}`;
    try {
      if (uri.startsWith('s3://') && this.options.s3) {
        const { bucket, key } = parseUri(uri);
        await this.options.s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(staging) }),
        );
      } else {
        const local = localPath(uri);
        await mkdir(join(local, '..'), { recursive: true });
        await this.connection.run(
          `COPY (SELECT * FROM read_parquet('${staging.replaceAll("'", "''")}')) TO '${local.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION ${compression})`,
        );
      }
    } finally {
      await rm(staging, { force: true });
    }
    const file: IcebergFile = { uri, content, rows, writtenAt: this.options.clock().getTime() };
    state.written.push(file);
    return file;
  }

  private async deleteFiles(uris: readonly string[]): Promise<void> {
    for (const uri of uris) {
      if (uri.startsWith('s3://') && this.options.s3) {
        const { bucket, key } = parseUri(uri);
        await this.options.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } else if (uri.startsWith('file://')) {
        await rm(localPath(uri), { force: true });
      }
    }
  }
}

/** Where a table's files go: its LOCATION, or a folder of the local Athena when it has none / no S3. */
function tableRoot(location: string | undefined, workDir: string, table: string, s3: boolean): string {
  if (s3 && location?.startsWith('s3://')) return location.endsWith('/') ? location : `${location}/`;
  const folder = location ? location.replace(/^[a-z0-9]+:\/\//, '') : table;
  return `file://${join(workDir, 'warehouse', folder)}/`;
}

function parseUri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  return { bucket: match?.[1] ?? '', key: match?.[2] ?? '' };
}

function localPath(uri: string): string {
  return uri.replace(/^file:\/\//, '');
}

function dq(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
