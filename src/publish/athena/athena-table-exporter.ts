import { createHash } from 'node:crypto';
import { quoteIdentifier } from '#src/engines/engine-statements.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { athenaUnloadStatements, csvHeaderLine } from '#src/publish/athena/athena-unload-statements.ts';
import { digestBytes } from '#src/publish/file-digest.ts';
import type { PublishedFile } from '#src/publish/publication-manifest.ts';
import {
  csvFolder,
  csvPath,
  parquetFolder,
  partitionOf,
  type TableExporter,
  type TableExportInput,
  type TableExportResult,
} from '#src/publish/table-exporter.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/** UNLOAD writes at most 100 partitions per statement. */
export const MAX_UNLOAD_PARTITIONS = 100;

/**
 * Athena writes each table with `UNLOAD` straight into the publication's S3 folder; the files are
 * then listed (and read once, for their SHA-256) through the object store. CSV parts land in a
 * staging folder inside the publication and are joined, behind a header row, into one file per
 * partition (or one file). Partitions go 100 to an UNLOAD; a batch after the first writes into its
 * own folder (`parquet/<table>/batch-<n>/…`), since UNLOAD only writes into an empty prefix.
 */
export class AthenaTableExporter implements TableExporter {
  constructor(
    private readonly engine: QueryEngine,
    private readonly store: ObjectStore,
  ) {}

  async exportTable(input: TableExportInput): Promise<TableExportResult> {
    const batches: (readonly string[] | undefined)[] = [];
    // A whole table of more than 100 partitions is unloaded 100 partitions at a time as well.
    const partitions =
      input.partitionBy && !input.partitions
        ? await this.partitionsOver(input.table, input.partitionBy, MAX_UNLOAD_PARTITIONS)
        : input.partitions;
    if (input.partitionBy && partitions) {
      for (let i = 0; i < partitions.length; i += MAX_UNLOAD_PARTITIONS)
        batches.push(partitions.slice(i, i + MAX_UNLOAD_PARTITIONS));
    } else batches.push(undefined);
    const parquet: PublishedFile[] = [];
    const csv: PublishedFile[] = [];
    for (const [index, partitions] of batches.entries()) {
      const exported = await this.exportBatch(input, partitions, index);
      parquet.push(...exported.parquet);
      csv.push(...exported.csv);
    }
    return { parquet, csv };
  }

  /** The table's partition values when there are more than `limit` of them, else undefined (one UNLOAD). */
  private async partitionsOver(table: string, column: string, limit: number): Promise<string[] | undefined> {
    const { rows } = await this.engine.execute(
      `SELECT DISTINCT CAST(${quoteIdentifier(column)} AS VARCHAR) AS p FROM ${quoteIdentifier(table)} WHERE ${quoteIdentifier(column)} IS NOT NULL ORDER BY 1`,
    );
    return rows.length > limit ? rows.map((r) => String(r.p)) : undefined;
  }

  private async exportBatch(
    input: TableExportInput,
    partitions: readonly string[] | undefined,
    batch: number,
  ): Promise<TableExportResult> {
    const prefix = input.publicationPrefix;
    const parquetPrefix = `${prefix}${parquetFolder(input.table)}${batch === 0 ? '' : `batch-${batch}/`}`;
    const stagingPrefix = `${prefix}_staging/${input.table}/csv-${batch}/`;
    const statements = athenaUnloadStatements({
      ...input,
      ...(partitions ? { partitions } : {}),
      parquetUri: this.prefixUri(parquetPrefix),
      csvStagingUri: this.prefixUri(stagingPrefix),
    });
    await this.engine.execute(statements.parquet);
    await this.engine.execute(statements.csv);

    const parquet: PublishedFile[] = [];
    for await (const object of this.store.list(parquetPrefix)) {
      const path = object.key.slice(prefix.length);
      if (batch === 0 && /\/batch-\d+\//.test(path.slice(parquetFolder(input.table).length - 1))) continue;
      const bytes = await this.store.get(object.key);
      if (!bytes) continue;
      const partition = partitionOf(path, input.partitionBy);
      parquet.push({ path, ...digestBytes(bytes), ...(partition === undefined ? {} : { partition }) });
    }

    const parts: string[] = [];
    for await (const object of this.store.list(stagingPrefix)) parts.push(object.key);
    const csv: PublishedFile[] = [];
    const header = Buffer.from(csvHeaderLine(input.columns), 'utf8');
    if (input.partitionBy) {
      // `partition<TAB>line` records, grouped into one CSV per partition.
      const text: string[] = [];
      for (const key of parts) {
        const chunk = await this.store.get(key);
        if (chunk) text.push(Buffer.from(chunk).toString('utf8'));
      }
      const byPartition = new Map<string, string[]>();
      for (const record of csvRecords(text.join(''))) {
        const tab = record.indexOf('\t');
        const value = record.slice(0, tab);
        const lines = byPartition.get(value) ?? [];
        lines.push(record.slice(tab + 1));
        byPartition.set(value, lines);
      }
      for (const [value, lines] of [...byPartition].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const path = `${csvFolder(input.table)}${input.partitionBy}=${encodeURIComponent(value)}/part-0.csv`;
        const body = Buffer.concat([header, Buffer.from(`${lines.join('\n')}\n`, 'utf8')]);
        await this.store.put(`${prefix}${path}`, body, { contentType: 'text/csv; charset=utf-8' });
        csv.push({ path, ...digestBytes(body), partition: value });
      }
    } else {
      const hash = createHash('sha256');
      let size = 0;
      const store = this.store;
      async function* joined(): AsyncIterable<Uint8Array> {
        hash.update(header);
        size += header.byteLength;
        yield header;
        for (const key of parts) {
          const chunk = await store.get(key);
          if (!chunk) continue;
          hash.update(chunk);
          size += chunk.byteLength;
          yield chunk;
        }
      }
      const path = csvPath(input.table);
      await this.store.putStream(`${prefix}${path}`, joined(), { contentType: 'text/csv; charset=utf-8' });
      csv.push({ path, bytes: size, sha256: hash.digest('hex') });
    }
    await this.store.delete(parts);
    return { parquet, csv };
  }

  /** A folder's address: stores address keys, and a key never ends with '/'. */
  private prefixUri(prefix: string): string {
    return `${this.store.uri(prefix.replace(/\/$/, ''))}/`;
  }

  async dispose(): Promise<void> {
    // Nothing is staged outside the object store.
  }
}

/**
 * Split UNLOAD's text into records: a newline ends one only outside a quoted field (every field
 * is quoted or empty, quotes inside doubled, so the quote count's parity tells where we are).
 */
export function csvRecords(text: string): string[] {
  const records: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 34) inQuotes = !inQuotes;
    else if (char === 10 && !inQuotes) {
      if (i > start) records.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) records.push(text.slice(start));
  return records;
}
