import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';

export interface ParquetFileContent {
  readonly key: string;
  /** Every row of the file, each value as text (JSON of the row). */
  readonly rows: readonly string[];
}

/**
 * Every Parquet file under an S3 prefix, read with DuckDB's own Parquet reader: what anyone with
 * read access to the bucket can see, whatever the table's current snapshot says.
 */
export async function readParquetFiles(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<ParquetFileContent[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key?.endsWith('.parquet')) keys.push(o.Key);
    token = page.NextContinuationToken;
  } while (token);
  const dir = await mkdtemp(join(tmpdir(), 'parquet-files-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const out: ParquetFileContent[] = [];
    for (const [i, key] of keys.entries()) {
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const file = join(dir, `${i}.parquet`);
      await writeFile(
        file,
        await (body.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
      const rows = reader.getRowObjectsJson().map((row) => JSON.stringify(row));
      out.push({ key, rows });
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The files (keys) under the prefix holding a row whose text contains `needle`. */
export function filesHolding(files: readonly ParquetFileContent[], needle: string): string[] {
  return files.filter((f) => f.rows.some((r) => r.includes(needle))).map((f) => f.key);
}
