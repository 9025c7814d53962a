import { describe, expect, test } from 'vitest';
import { athenaUnloadStatements, csvHeaderLine } from '#src/publish/athena/athena-unload-statements.ts';
import { duckDbCopyStatements } from '#src/publish/duckdb/duckdb-copy-statements.ts';

describe('Athena UNLOAD statements', () => {
  test('unload a month-partitioned table as hive-partitioned Snappy Parquet with the partition column last', () => {
    // Act
    const { parquet } = athenaUnloadStatements({
      table: 'fct_tickets',
      columns: ['ticket_id', 'channel', 'created_month'],
      partitionBy: 'created_month',
      parquetUri: 's3://published-bucket/published/publications/run-1/parquet/fct_tickets/',
      csvStagingUri: 's3://published-bucket/published/publications/run-1/_staging/fct_tickets/csv/',
    });

    // Assess
    expect(parquet).toBe(
      'UNLOAD (SELECT "ticket_id", "channel", "created_month" FROM "fct_tickets") ' +
        "TO 's3://published-bucket/published/publications/run-1/parquet/fct_tickets/' " +
        "WITH (format = 'PARQUET', compression = 'SNAPPY', partitioned_by = ARRAY['created_month'])",
    );
  });

  test('unload an unpartitioned table without partitioned_by', () => {
    // Act
    const { parquet } = athenaUnloadStatements({
      table: 'kpi_scorecard',
      columns: ['kpi', 'actual'],
      parquetUri: 's3://b/p/',
      csvStagingUri: 's3://b/s/',
    });

    // Assess
    expect(parquet).not.toContain('partitioned_by');
    expect(parquet).toContain("WITH (format = 'PARQUET', compression = 'SNAPPY')");
  });

  test('render each CSV row as one quoted line, NULL as an empty field, quotes doubled', () => {
    // Act
    const { csv } = athenaUnloadStatements({
      table: 'sla_alerts',
      columns: ['alert_id', 'cleared_at'],
      parquetUri: 's3://b/p/',
      csvStagingUri: 's3://b/s/',
    });

    // Assess
    expect(csv).toBe(
      `UNLOAD (SELECT coalesce('"' || replace(CAST("alert_id" AS VARCHAR), '"', '""') || '"', '') || ',' || ` +
        `coalesce('"' || replace(CAST("cleared_at" AS VARCHAR), '"', '""') || '"', '') AS csv_line FROM "sla_alerts") ` +
        "TO 's3://b/s/' WITH (format = 'TEXTFILE', compression = 'NONE', field_delimiter = '\\t')",
    );
    expect(csvHeaderLine(['alert_id', 'odd "name"'])).toBe('"alert_id","odd ""name"""\n');
  });

  test('unload only the partitions asked for, the CSV lines behind their partition value', () => {
    // Act
    const { parquet, csv } = athenaUnloadStatements({
      table: 'fct_tickets',
      columns: ['ticket_id', 'created_month'],
      partitionBy: 'created_month',
      partitions: ['2026-10', "o'dd"],
      parquetUri: 's3://b/p/',
      csvStagingUri: 's3://b/s/',
    });

    // Assess
    const where = `WHERE CAST("created_month" AS VARCHAR) IN ('2026-10', 'o''dd')`;
    expect(parquet).toContain(`FROM "fct_tickets" ${where}) TO 's3://b/p/'`);
    expect(csv).toMatch(/^UNLOAD \(SELECT CAST\("created_month" AS VARCHAR\) AS partition_value, coalesce\(/);
    expect(csv).toContain(`AS csv_line FROM "fct_tickets" ${where}) TO 's3://b/s/'`);
  });

  test('refuse a partition column that is not last, which UNLOAD would reject at run time', () => {
    // Act
    const render = () =>
      athenaUnloadStatements({
        table: 'fct_tickets',
        columns: ['created_month', 'ticket_id'],
        partitionBy: 'created_month',
        parquetUri: 's3://b/p/',
        csvStagingUri: 's3://b/s/',
      });

    // Assess
    expect(render).toThrow(/must come last/);
  });
});

describe('DuckDB COPY statements', () => {
  test('copy a partitioned table per month, as Parquet and as CSV with a header and the partition column', () => {
    // Act
    const statements = duckDbCopyStatements({
      table: 'fct_tickets',
      columns: ['ticket_id', "o'dd", 'created_month'],
      partitionBy: 'created_month',
      parquetDir: '/tmp/stage/parquet',
      csvFile: '/tmp/stage/csv',
      partitions: ['2026-10'],
    });

    // Assess
    expect(statements.parquet).toBe(
      `COPY (SELECT "ticket_id", "o'dd", "created_month" FROM "fct_tickets" WHERE CAST("created_month" AS VARCHAR) IN ('2026-10')) TO '/tmp/stage/parquet' ` +
        `(FORMAT parquet, COMPRESSION snappy, PARTITION_BY ("created_month"), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE)`,
    );
    expect(statements.csv).toContain("TO '/tmp/stage/csv' (FORMAT csv, HEADER true");
    expect(statements.csv).toContain('PARTITION_BY ("created_month"), WRITE_PARTITION_COLUMNS true');
  });
});
