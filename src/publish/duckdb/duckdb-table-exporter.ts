import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { duckDbCopyStatements } from '#src/publish/duckdb/duckdb-copy-statements.ts';
import { digestFile } from '#src/publish/file-digest.ts';
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

/**
 * DuckDB writes each table with `COPY … TO` into a private staging folder on local disk; the files
 * are then hashed and uploaded through the object store, so a local folder lake and an S3 lake
 * are written the same way (and an interrupted upload leaves only an unreferenced folder).
 */
export class DuckDbTableExporter implements TableExporter {
  private stagingRoot: string | undefined;

  constructor(
    private readonly engine: QueryEngine,
    private readonly store: ObjectStore,
    private readonly stagingParent: string = tmpdir(),
  ) {}

  async exportTable(input: TableExportInput): Promise<TableExportResult> {
    const staging = await this.staging();
    const tableDir = join(staging, input.table);
    const parquetDir = join(tableDir, 'parquet');
    const csvDir = join(tableDir, 'csv');
    const csvFile = input.partitionBy ? csvDir : join(csvDir, `${input.table}.csv`);
    await rm(tableDir, { recursive: true, force: true });
    await mkdir(parquetDir, { recursive: true });
    await mkdir(csvDir, { recursive: true });

    const statements = duckDbCopyStatements({ ...input, parquetDir, csvFile });
    await this.engine.execute(statements.parquet);
    await this.engine.execute(statements.csv);

    const parquet: PublishedFile[] = [];
    for (const file of await filesUnder(parquetDir)) {
      const path = `${parquetFolder(input.table)}${relative(parquetDir, file).split(sep).join('/')}`;
      parquet.push(await this.upload(file, input.publicationPrefix, path, input.partitionBy));
    }
    const csv: PublishedFile[] = [];
    for (const file of await filesUnder(csvDir)) {
      const path = input.partitionBy
        ? `${csvFolder(input.table)}${relative(csvDir, file).split(sep).join('/')}`
        : csvPath(input.table);
      csv.push(await this.upload(file, input.publicationPrefix, path, input.partitionBy));
    }
    await rm(tableDir, { recursive: true, force: true });
    return { parquet, csv };
  }

  async dispose(): Promise<void> {
    if (this.stagingRoot) await rm(this.stagingRoot, { recursive: true, force: true });
    this.stagingRoot = undefined;
  }

  private async staging(): Promise<string> {
    if (!this.stagingRoot) {
      await mkdir(this.stagingParent, { recursive: true });
      this.stagingRoot = await mkdtemp(join(this.stagingParent, 'warehouse-publish-'));
    }
    return this.stagingRoot;
  }

  private async upload(
    file: string,
    publicationPrefix: string,
    path: string,
    partitionBy: string | undefined,
  ): Promise<PublishedFile> {
    const digest = await digestFile(file);
    const contentType = path.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet';
    const body = createReadStream(file);
    try {
      await this.store.putStream(`${publicationPrefix}${path}`, body, { contentType });
    } finally {
      body.destroy();
    }
    const partition = partitionOf(path, partitionBy);
    return { path, ...digest, ...(partition === undefined ? {} : { partition }) };
  }
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
