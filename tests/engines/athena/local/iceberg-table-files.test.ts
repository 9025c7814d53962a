import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { filesHolding, readParquetFiles } from '#tests/engines/athena/local/read-parquet-files.ts';
import type { RunningS3Server } from '#tests/stores/start-s3-server.ts';
import { type LocalAthenaOnS3, startLocalAthenaOnS3 } from './local-athena-on-s3.ts';

/*
 * The local Athena's Iceberg tables keep real Parquet data files in S3 (s3rver), as Athena's do:
 * a DELETE is logical until OPTIMIZE rewrites the files and VACUUM removes what no retained
 * snapshot needs. Each test reads every file under the table's location.
 */
const DAY = 86_400_000;
let world: LocalAthenaOnS3;
let s3: RunningS3Server;
let now = new Date('2026-12-01T00:00:00Z');
let database = 'files0';
let counter = 0;

function engine(): AthenaEngine {
  return world.engine(database);
}

const location = (name: string) => `curated/${database}/${name}/`;

/** A customer table with two customers' e-mail addresses, written by CTAS with these properties. */
async function customers(name: string, properties = ''): Promise<AthenaEngine> {
  const e = engine();
  await e.execute(
    `CREATE TABLE "${name}" WITH (table_type = 'ICEBERG', is_external = false, location = 's3://${s3.bucket}/${location(name)}', format = 'PARQUET', write_compression = 'ZSTD'${properties}) AS ` +
      "SELECT * FROM (VALUES ('c1', 'alice@example.com'), ('c2', 'bob@example.com')) AS t (customer_key, email)",
  );
  return e;
}

const holding = async (name: string, needle: string) =>
  filesHolding(await readParquetFiles(s3.client, s3.bucket, location(name)), needle);

beforeAll(async () => {
  world = await startLocalAthenaOnS3({ clock: () => now });
  ({ s3 } = world);
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => {
  database = `files${++counter}`;
  now = new Date('2026-12-01T00:00:00Z');
});

describe('Iceberg data files on the local Athena', () => {
  it('keeps a deleted row in the data files: the table no longer answers it, the files still hold it', async () => {
    // Prepare
    const e = await customers('c');
    // Act
    await e.execute(`DELETE FROM "c" WHERE customer_key = 'c1'`);
    // Assess
    expect((await e.execute('SELECT email FROM "c"')).rows).toEqual([{ email: 'bob@example.com' }]);
    expect(await holding('c', 'alice@example.com')).toHaveLength(1);
  });

  it('with default thresholds, OPTIMIZE leaves one delete file alone and VACUUM keeps the file the current snapshot uses', async () => {
    // Prepare
    const e = await customers('d');
    await e.execute(`DELETE FROM "d" WHERE customer_key = 'c1'`);
    // Act: far past the default 5-day snapshot age
    now = new Date(now.getTime() + 30 * DAY);
    await e.execute('OPTIMIZE "d" REWRITE DATA USING BIN_PACK');
    await e.execute('VACUUM "d"');
    // Assess: optimize_rewrite_delete_file_threshold defaults to 2 delete files per data file
    expect(await holding('d', 'alice@example.com')).toHaveLength(1);
  });

  it('with a delete-file threshold of 1, OPTIMIZE then VACUUM past the snapshot age leave no file holding the deleted row', async () => {
    // Prepare
    const e = await customers(
      'm',
      ', vacuum_max_snapshot_age_seconds = 86400, optimize_rewrite_delete_file_threshold = 1, optimize_rewrite_data_file_threshold = 1',
    );
    await e.execute(`DELETE FROM "m" WHERE customer_key = 'c1'`);
    // Act: maintenance at once, then again a day and a second later
    await e.execute('OPTIMIZE "m" REWRITE DATA USING BIN_PACK');
    await e.execute('VACUUM "m"');
    const withinWindow = await holding('m', 'alice@example.com');
    now = new Date(now.getTime() + DAY + 1000);
    await e.execute('OPTIMIZE "m" REWRITE DATA USING BIN_PACK');
    await e.execute('VACUUM "m"');
    // Assess: within the window the old snapshot (time travel) still has the file; after it, nothing
    expect(withinWindow).toHaveLength(1);
    expect(await holding('m', 'alice@example.com')).toEqual([]);
    expect(await holding('m', 'bob@example.com')).toHaveLength(1);
    expect((await e.execute('SELECT email FROM "m"')).rows).toEqual([{ email: 'bob@example.com' }]);
  });

  it('deletes the data files when the table is dropped', async () => {
    // Prepare
    const e = await customers('x');
    // Act
    await e.execute('DROP TABLE `x`');
    // Assess
    expect(await readParquetFiles(s3.client, s3.bucket, location('x'))).toEqual([]);
  });
});
