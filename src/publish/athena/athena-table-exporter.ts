import { createHash } from 'node:crypto';
import { batches, MAX_PARTITIONS_PER_WRITE, partitionFilter } from '#src/engines/athena/athena-statements.ts';
import { quoteIdentifier } from '#src/engines/engine-statements.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { athenaUnloadStatements, csvHeaderLine } from '#src/publish/athena/athena-unload-statements.ts';
import { digestBytes } from '#src/publish/file-digest.ts';
import type { PublishedFile } from '#src/publish/publication-manifest.ts';
import {
  csvPath,
  parquetFolder,
  partitionOf,
  type TableExporter,
  type TableExportInput,
  type TableExportResult,
} from '#src/publish/table-exporter.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/**
 * Athena writes each table with `UNLOAD` straight into the publication's S3 folder; the files are
 * then listed (and read once, for their SHA-256) through the object store. CSV parts land in a
 * staging folder inside the publication and are joined, behind a header row, into one file.
 */
export class AthenaTableExporter implements TableExporter {
  constructor(
    private readonly engine: QueryEngine,
    private readonly store: ObjectStore,
  ) {}

  async exportTable(input: TableExportInput): Promise<TableExportResult> {
    const prefix = input.publicationPrefix;
    const parquetPrefix = `${prefix}${parquetFolder(input.table)}`;
    const stagingPrefix = `${prefix}_staging/${input.table}/csv/`;
    const partitionCount = input.partitionBy
      ? `, count(DISTINCT CAST(${quoteIdentifier(input.partitionBy)} AS VARCHAR)) AS partition_count`
      : '';
    const count = await this.engine.execute(
      `SELECT count(*) AS row_count${partitionCount} FROM ${quoteIdentifier(input.table)}`,
    );
    const rowCount = Number(count.rows[0]?.row_count ?? 0);
    // UNLOAD writes at most 100 partitions a statement, into an empty prefix: a longer history is
    // unloaded in batches of partitions, each into its own staging prefix, then moved into place.
    const partitions =
      input.partitionBy && Number(count.rows[0]?.partition_count ?? 0) > MAX_PARTITIONS_PER_WRITE
        ? await this.partitionsOf(input.table, input.partitionBy)
        : [];
    const partitionBatches = batches(partitions);
    if (partitionBatches.length <= 1) {
      const statements = athenaUnloadStatements({
        ...input,
        parquetUri: this.prefixUri(parquetPrefix),
        csvStagingUri: this.prefixUri(stagingPrefix),
      });
      await this.engine.execute(statements.parquet);
      await this.engine.execute(statements.csv);
    } else {
      for (const [i, batch] of partitionBatches.entries()) {
        const batchPrefix = `${prefix}_staging/${input.table}/parquet/${i}/`;
        const statements = athenaUnloadStatements({
          ...input,
          where: partitionFilter(input.partitionBy as string, batch, i === 0),
          parquetUri: this.prefixUri(batchPrefix),
          csvStagingUri: this.prefixUri(`${stagingPrefix}${i}/`),
        });
        await this.engine.execute(statements.parquet);
        await this.engine.execute(statements.csv);
        const staged: string[] = [];
        for await (const object of this.store.list(batchPrefix)) staged.push(object.key);
        const move = async (key: string) => {
          const bytes = await this.store.get(key);
          if (bytes) await this.store.put(`${parquetPrefix}${key.slice(batchPrefix.length)}`, bytes);
        };
        for (let j = 0; j < staged.length; j += 8) await Promise.all(staged.slice(j, j + 8).map(move));
        await this.store.delete(staged);
      }
    }

    const parquet: PublishedFile[] = [];
    for await (const object of this.store.list(parquetPrefix)) {
      const bytes = await this.store.get(object.key);
      if (!bytes) continue;
      const path = object.key.slice(prefix.length);
      const partition = partitionOf(path, input.partitionBy);
      parquet.push({ path, ...digestBytes(bytes), ...(partition === undefined ? {} : { partition }) });
    }

    const parts: string[] = [];
    for await (const object of this.store.list(stagingPrefix)) parts.push(object.key);
    const hash = createHash('sha256');
    let size = 0;
    const store = this.store;
    async function* joined(): AsyncIterable<Uint8Array> {
      for (const chunk of [Buffer.from(csvHeaderLine(input.columns), 'utf8')]) {
        hash.update(chunk);
        size += chunk.byteLength;
        yield chunk;
      }
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
    await this.store.delete(parts);
    return { rowCount, parquet, csv: [{ path, bytes: size, sha256: hash.digest('hex') }] };
  }

  private async partitionsOf(table: string, column: string): Promise<string[]> {
    const c = quoteIdentifier(column);
    const found = await this.engine.execute(
      `SELECT DISTINCT CAST(${c} AS VARCHAR) AS p FROM ${quoteIdentifier(table)} WHERE ${c} IS NOT NULL ORDER BY 1`,
    );
    return found.rows.map((r) => String(r.p));
  }

  /** A folder's address: stores address keys, and a key never ends with '/'. */
  private prefixUri(prefix: string): string {
    return `${this.store.uri(prefix.replace(/\/$/, ''))}/`;
  }

  async dispose(): Promise<void> {
    // Nothing is staged outside the object store.
  }
}
