import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DuckDBConnection, DuckDBInstance, type DuckDBResultReader } from '@duckdb/node-api';
import { DuckDbEngine, duckDbMacroStatements } from '#src/engines/duckdb/duckdb-engine.ts';
import { toPlain } from '#src/engines/duckdb/duckdb-values.ts';
import { leadingWords, substituteParameters, type Token, tokenize } from '../sql-tokens.ts';
import {
  AthenaRuleViolation,
  checkCtasLocationFree,
  checkDdlQuoting,
  checkDdlReservedWords,
  checkDmlQuoting,
  checkIcebergColumnTypes,
  checkIcebergOnlyDml,
  checkParameterCount,
  checkParametersOnlyInWhere,
  checkParametersStatementKind,
  checkPartitionsWritten,
  checkRenameIcebergOnly,
  checkRenameSource,
  checkRenameTarget,
  checkUnloadTargetEmpty,
  type StatementKind,
  tableNotFound,
} from './athena-rules.ts';
import { IcebergFileStore, icebergProperties, tblProperties } from './iceberg-table-files.ts';
import { LocalAthenaAccounting } from './local-athena-accounting.ts';
import { LocalAthenaCatalog } from './local-athena-catalog.ts';

export interface ResultColumn {
  readonly name: string;
  /** Athena's type name (`bigint`, `varchar`, `timestamp`, `timestamp with time zone`, …). */
  readonly type: string;
  readonly precision: number;
  readonly scale: number;
}

export interface StatementResult {
  readonly kind: StatementKind;
  readonly statementType: 'DDL' | 'DML' | 'UTILITY';
  readonly columns: readonly ResultColumn[];
  /** Every value as Athena renders it in text; `null` for NULL. */
  readonly rows: readonly (string | null)[][];
  /** Rows written, for INSERT / MERGE / UPDATE / DELETE / CTAS. */
  readonly updateCount?: number;
  /** Whether GetQueryResults starts with a header row (SELECT-like statements). */
  readonly header: boolean;
  readonly dataScannedBytes: number;
}

export interface LocalAthenaExecutorOptions {
  /** S3 client for `s3://` locations (external tables' files, UNLOAD targets); s3rver in tests. */
  readonly s3?: S3Client;
  /** Folder for the mirror of external tables' files and UNLOAD staging. */
  readonly workDir: string;
  /** The clock Iceberg snapshots and VACUUM's age limit are measured by (tests advance it). */
  readonly clock?: () => Date;
}

/** The local Athena's approx_percentile: approximate (linear interpolation), never the exact nearest-rank value. */
export const APPROXIMATE_PERCENTILE_MACRO =
  'CREATE OR REPLACE MACRO approx_percentile(x, p) AS quantile_cont(x, p)';

const HIVE_TO_DUCKDB: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  varchar: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  integer: 'INTEGER',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
};

/**
 * Runs Athena statements in DuckDB (with the project's Trino macros), keeping an Athena catalog
 * beside it and enforcing the documented rules (athena-rules.ts) before and after each statement.
 * Write statements run in a DuckDB transaction so a rule broken by the result (too many
 * partitions, a zoned timestamp column) leaves nothing behind, as a FAILED Athena query does.
 */
export class LocalAthenaExecutor {
  readonly catalog = new LocalAthenaCatalog();
  private readonly databases = new Set<string>();
  private readonly mirrored = new Map<string, string>();
  /** The Parquet data files of Iceberg tables, with their snapshots. */
  readonly icebergFiles: IcebergFileStore;
  /** What each statement scanned, as Athena bills it (local-athena-accounting.ts). */
  private readonly accounting: LocalAthenaAccounting;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: LocalAthenaExecutorOptions,
  ) {
    this.icebergFiles = new IcebergFileStore(connection, {
      s3: options.s3,
      workDir: options.workDir,
      clock: options.clock ?? (() => new Date()),
    });
    this.accounting = new LocalAthenaAccounting(connection, this.catalog, options.workDir);
  }

  static async open(options: LocalAthenaExecutorOptions): Promise<LocalAthenaExecutor> {
    // Spill inside the work folder (removed on close), and never more than 8 GB: an in-memory
    // DuckDB spills to `.tmp` in the current folder by default, without a bound.
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '2',
      memory_limit: '1GB',
      temp_directory: join(options.workDir, 'duckdb-temp'),
      max_temp_directory_size: '8GB',
    });
    const connection = await DuckDbEngine.connect(instance);
    for (const statement of duckDbMacroStatements()) await connection.run(statement);
    // Athena's approx_percentile is an approximation (a digest, DOCS.approxPercentile), not the
    // exact quantile the DuckDB macro returns: here it interpolates between neighbouring values, so
    // a model relying on it gives other p50/p90 values than on DuckDB, as it can on Athena.
    await connection.run(APPROXIMATE_PERCENTILE_MACRO);
    await mkdir(options.workDir, { recursive: true });
    return new LocalAthenaExecutor(instance, connection, options);
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /** Run one statement as Athena would; throws AthenaRuleViolation for what Athena refuses. */
  async run(sql: string, parameters: readonly string[], database: string): Promise<StatementResult> {
    const tokens = tokenize(sql);
    const kind = classify(tokens);
    fail('checkParametersStatementKind', checkParametersStatementKind(kind, parameters.length));
    if (parameters.length > 0) {
      fail('checkParameterCount', checkParameterCount(tokens, parameters.length));
      fail('checkParametersOnlyInWhere', checkParametersOnlyInWhere(tokens));
    }
    fail('checkDdlQuoting', checkDdlQuoting(kind, tokens));
    fail('checkDmlQuoting', checkDmlQuoting(kind, tokens));
    fail('checkDdlReservedWords', checkDdlReservedWords(kind, tokens));

    await this.useDatabase(database);
    const text = parameters.length > 0 ? substituteParameters(sql, tokens, parameters) : sql;
    await this.syncReferencedExternalTables(database, tokens);
    const ctx: Ctx = { sql: text, tokens: parameters.length > 0 ? tokenize(text) : tokens, kind, database };
    this.accounting.reset();
    try {
      const result = await this.dispatch(ctx);
      return { ...result, dataScannedBytes: await this.accounting.scannedBytes(database) };
    } catch (error) {
      this.accounting.reset();
      if (error instanceof AthenaRuleViolation) throw error;
      throw translateDuckDbError(error);
    }
  }

  private async dispatch(ctx: Ctx): Promise<StatementResult> {
    switch (ctx.kind) {
      case 'select':
        return this.select(ctx);
      case 'other':
        if (isSetTblProperties(ctx.tokens)) return this.ddl(ctx, () => this.setTblProperties(ctx));
        return this.select(ctx);
      case 'create-database':
        return this.ddl(ctx, async () => {
          const name = nameAfter(ctx.tokens, wordIndex(ctx.tokens, ['DATABASE', 'SCHEMA']) + 1, true);
          await this.useDatabase(name.name);
        });
      case 'create-external-table':
        return this.ddl(ctx, () => this.createExternalTable(ctx));
      case 'create-table':
        return this.ddl(ctx, () => this.createIcebergTable(ctx));
      case 'ctas':
        return this.ctas(ctx);
      case 'create-view':
        return this.ddl(ctx, async () => {
          const { name, next } = nameAfter(ctx.tokens, wordIndex(ctx.tokens, ['VIEW']) + 1);
          await this.connection.run(ctx.sql);
          const view =
            this.catalog.get(ctx.database, name) ??
            this.catalog.add({ database: ctx.database, name, kind: 'view', partitioning: [] });
          // What the view reads: every name in its text that the catalog holds.
          view.reads = [
            ...new Set(
              ctx.tokens
                .slice(next)
                .filter((t) => t.kind === 'word' || t.kind === 'double-quoted')
                .map((t) => identifier(t))
                .filter((n) => n !== name && this.catalog.get(ctx.database, n) !== undefined),
            ),
          ];
        });
      case 'drop-table':
      case 'drop-view':
        return this.ddl(ctx, () => this.drop(ctx));
      case 'alter-table-rename':
        return this.ddl(ctx, () => this.rename(ctx));
      case 'insert':
      case 'merge':
      case 'update':
      case 'delete':
        return this.write(ctx);
      case 'unload':
        return this.unload(ctx);
      case 'optimize':
      case 'vacuum':
        return this.maintain(ctx);
    }
  }

  private async useDatabase(database: string): Promise<void> {
    if (!this.databases.has(database)) {
      await this.connection.run(`CREATE SCHEMA IF NOT EXISTS ${dq(database)}`);
      this.databases.add(database);
    }
    await this.connection.run(`SET search_path = '${database.replaceAll("'", "''")},main'`);
  }

  private async select(ctx: Ctx): Promise<StatementResult> {
    const reader = await this.accounting.profiled(() => this.connection.runAndReadAll(ctx.sql));
    return { ...readResult(reader), kind: ctx.kind, statementType: 'DML', header: true, dataScannedBytes: 0 };
  }

  private async ddl(ctx: Ctx, action: () => Promise<void>): Promise<StatementResult> {
    await action();
    return {
      kind: ctx.kind,
      statementType: 'DDL',
      columns: [],
      rows: [],
      header: false,
      dataScannedBytes: 0,
    };
  }

  /**
   * The name a CREATE TABLE statement creates and the token after it; undefined when the table
   * exists and the statement says IF NOT EXISTS (nothing to do), an error when it exists otherwise.
   */
  private newTableName(ctx: Ctx): { name: string; next: number } | undefined {
    const tableIndex = wordIndex(ctx.tokens, ['TABLE']);
    const { name, next } = nameAfter(ctx.tokens, tableIndex + 1, true);
    if (!this.catalog.get(ctx.database, name)) return { name, next };
    if (hasIfNotExists(ctx.tokens, tableIndex)) return undefined;
    throw new AthenaRuleViolation('catalog', `Table ${name} already exists`, 1003);
  }

  private async createExternalTable(ctx: Ctx): Promise<void> {
    const created = this.newTableName(ctx);
    if (!created) return;
    const { name, next } = created;
    const columns = columnList(ctx.tokens, next);
    const partitionedAt = wordIndex(ctx.tokens, ['PARTITIONED']);
    const partitionColumns = partitionedAt >= 0 ? columnList(ctx.tokens, partitionedAt + 2) : {};
    const locationAt = wordIndex(ctx.tokens, ['LOCATION']);
    const location = locationAt >= 0 ? ctx.tokens[locationAt + 1]?.value : undefined;
    if (!location) throw new AthenaRuleViolation('catalog', `External table ${name} needs a LOCATION`, 1003);
    this.catalog.add({
      database: ctx.database,
      name,
      kind: 'hive',
      location,
      partitioning: Object.keys(partitionColumns),
      columns,
      partitionColumns,
    });
    await this.syncExternalTable(ctx.database, name);
  }

  private async createIcebergTable(ctx: Ctx): Promise<void> {
    const created = this.newTableName(ctx);
    if (!created) return;
    const { name, next } = created;
    const columns = columnList(ctx.tokens, next);
    const types = Object.entries(columns).map(([c, t]) => ({ name: c, type: t }));
    fail('checkIcebergColumnTypes', checkIcebergColumnTypes(types), 233);
    const locationAt = wordIndex(ctx.tokens, ['LOCATION']);
    const location = locationAt >= 0 ? ctx.tokens[locationAt + 1]?.value : undefined;
    const defs = types.map((c) => `${dq(c.name)} ${HIVE_TO_DUCKDB[c.type.toLowerCase()] ?? c.type}`);
    await this.connection.run(`CREATE TABLE ${dq(name)} (${defs.join(', ')})`);
    const entry = this.catalog.add({
      database: ctx.database,
      name,
      kind: 'iceberg',
      location,
      partitioning: [],
    });
    entry.files = await this.icebergFiles.create(
      icebergProperties(tblProperties(ctx.tokens)),
      location,
      name,
      false,
    );
  }

  /** `ALTER TABLE t SET TBLPROPERTIES (…)`: an Iceberg table's maintenance properties change. */
  private async setTblProperties(ctx: Ctx): Promise<void> {
    const { name } = nameAfter(ctx.tokens, wordIndex(ctx.tokens, ['TABLE']) + 1, true);
    const entry = this.catalog.get(ctx.database, name);
    if (!entry) throw new AthenaRuleViolation('catalog', tableNotFound(name), 1003);
    if (entry.files)
      entry.files.properties = icebergProperties(tblProperties(ctx.tokens), entry.files.properties);
  }

  private async ctas(ctx: Ctx): Promise<StatementResult> {
    const tableIndex = wordIndex(ctx.tokens, ['TABLE']);
    const { name, next } = nameAfter(ctx.tokens, tableIndex + 1);
    const properties = ctx.tokens[next]?.value === 'WITH' ? withProperties(ctx.tokens, next + 1) : {};
    const asAt = ctx.tokens.findIndex((t, i) => i >= next && t.depth === 0 && t.value === 'AS');
    const select = ctx.sql.slice(ctx.tokens[asAt + 1]?.start ?? ctx.sql.length);
    const iceberg = String(properties.table_type ?? '').toUpperCase() === 'ICEBERG';
    const location = typeof properties.location === 'string' ? properties.location : undefined;
    const partitioning = Array.isArray(properties.partitioning)
      ? properties.partitioning
      : Array.isArray(properties.partitioned_by)
        ? properties.partitioned_by
        : [];
    if (this.catalog.get(ctx.database, name))
      throw new AthenaRuleViolation('catalog', `Table ${name} already exists`, 1003);
    if (location)
      fail(
        'checkCtasLocationFree',
        checkCtasLocationFree(location, this.catalog.locationUser(location)?.name),
      );
    const count = await this.transaction(async () => {
      const reader = await this.accounting.profiled(() =>
        this.connection.runAndReadAll(`CREATE TABLE ${dq(name)} AS ${select}`),
      );
      if (iceberg) {
        const described = await this.connection.runAndReadAll(`DESCRIBE ${dq(name)}`);
        const columns = described.getRowObjectsJS().map((r) => ({
          name: String(r.column_name),
          type: String(r.column_type),
        }));
        fail('checkIcebergColumnTypes', checkIcebergColumnTypes(columns), 233);
      }
      if (partitioning.length > 0) {
        const partitions = await this.scalar(
          `SELECT count(*) AS n FROM (SELECT DISTINCT ${partitioning.map(dq).join(', ')} FROM ${dq(name)})`,
        );
        fail('checkPartitionsWritten', checkPartitionsWritten(partitions));
      }
      // Athena answers a CTAS with the rows it wrote (GetQueryResults UpdateCount); DuckDB with one row { Count }.
      const written = reader.getRowObjectsJS()[0]?.Count;
      return written === undefined || written === null ? reader.rowsChanged : Number(written);
    });
    const entry = this.catalog.add({
      database: ctx.database,
      name,
      kind: iceberg ? 'iceberg' : 'hive',
      location,
      partitioning,
    });
    if (iceberg)
      entry.files = await this.icebergFiles.create(icebergProperties(properties), location, name, true);
    return {
      kind: ctx.kind,
      statementType: 'DDL',
      columns: [],
      rows: [],
      updateCount: count,
      header: false,
      dataScannedBytes: 0,
    };
  }

  private async drop(ctx: Ctx): Promise<void> {
    const at = wordIndex(ctx.tokens, ['TABLE', 'VIEW']);
    const { name } = nameAfter(ctx.tokens, at + 1, true);
    const ifExists = ctx.tokens[at + 1]?.value === 'IF';
    const entry = this.catalog.get(ctx.database, name);
    if (!entry) {
      if (ifExists) return;
      throw new AthenaRuleViolation('catalog', tableNotFound(name), 1003);
    }
    const wantsView = ctx.kind === 'drop-view';
    if (wantsView !== (entry.kind === 'view'))
      throw new AthenaRuleViolation(
        'catalog',
        `${name} is a ${entry.kind === 'view' ? 'view' : 'table'}: use DROP ${entry.kind === 'view' ? 'VIEW' : 'TABLE'}`,
        1003,
      );
    await this.connection.run(`DROP ${entry.kind === 'iceberg' ? 'TABLE' : 'VIEW'} IF EXISTS ${dq(name)}`);
    this.catalog.remove(ctx.database, name);
    if (entry.files) await this.icebergFiles.drop(entry.files);
  }

  private async rename(ctx: Ctx): Promise<void> {
    const at = wordIndex(ctx.tokens, ['TABLE']);
    const from = nameAfter(ctx.tokens, at + 1, true);
    const toAt = ctx.tokens.findIndex((t, i) => i > from.next && t.value === 'TO');
    const to = nameAfter(ctx.tokens, toAt + 1, true);
    const entry = this.catalog.get(ctx.database, from.name);
    fail('checkRenameSource', checkRenameSource(from.name, entry !== undefined), 1003);
    fail('checkRenameIcebergOnly', checkRenameIcebergOnly(from.name, entry?.kind ?? ''), 1003);
    fail(
      'checkRenameTarget',
      checkRenameTarget(to.name, this.catalog.get(ctx.database, to.name) !== undefined),
      1003,
    );
    await this.connection.run(`ALTER TABLE ${dq(from.name)} RENAME TO ${dq(to.name)}`);
    this.catalog.rename(ctx.database, from.name, to.name);
  }

  private async write(ctx: Ctx): Promise<StatementResult> {
    const target = writeTarget(ctx);
    const entry = this.catalog.get(ctx.database, target);
    if (ctx.kind !== 'insert')
      fail('checkIcebergOnlyDml', checkIcebergOnlyDml(ctx.kind, target, entry?.kind));
    else if (!entry || entry.kind === 'view')
      throw new AthenaRuleViolation('catalog', entry ? `${target} is a view` : tableNotFound(target));
    const partitioning = entry?.partitioning ?? [];
    const iceberg = entry?.kind === 'iceberg';
    const removes = ctx.kind !== 'insert';
    const count = await this.transaction(async () => {
      // Iceberg writes are tracked: the rows they add go to a new data file, the rows they remove
      // stay in the old files with a delete file beside them (iceberg-table-files.ts).
      const track = iceberg;
      if (track)
        await this.connection.run(
          `CREATE OR REPLACE TEMP TABLE __athena_before AS SELECT * FROM ${dq(target)}`,
        );
      const reader = await this.accounting.profiled(() => this.connection.runAndReadAll(ctx.sql));
      if (track) {
        const changed =
          `(SELECT * FROM ${dq(target)} EXCEPT ALL SELECT * FROM __athena_before) ` +
          `UNION ALL (SELECT * FROM __athena_before EXCEPT ALL SELECT * FROM ${dq(target)})`;
        if (partitioning.length > 0) {
          const partitions = await this.scalar(
            `SELECT count(*) AS n FROM (SELECT DISTINCT ${partitioning.map(dq).join(', ')} FROM (${changed}))`,
          );
          fail('checkPartitionsWritten', checkPartitionsWritten(partitions));
        }
        if (entry?.files) {
          const removed = removes
            ? await this.scalar(
                `SELECT count(*) AS n FROM (SELECT * FROM __athena_before EXCEPT ALL SELECT * FROM ${dq(target)})`,
              )
            : 0;
          await this.icebergFiles.afterWrite(
            entry.files,
            entry.location,
            target,
            `SELECT * FROM ${dq(target)} EXCEPT ALL SELECT * FROM __athena_before`,
            removed,
            ctx.kind,
          );
        }
        await this.connection.run('DROP TABLE __athena_before');
      }
      return reader.rowsChanged;
    });
    if (entry?.kind === 'iceberg')
      this.catalog.snapshot(
        entry,
        ctx.kind === 'insert' ? 'append' : ctx.kind === 'delete' ? 'delete' : 'overwrite',
      );
    return {
      kind: ctx.kind,
      statementType: 'DML',
      columns: [],
      rows: [],
      updateCount: count,
      header: false,
      dataScannedBytes: 0,
    };
  }

  private async maintain(ctx: Ctx): Promise<StatementResult> {
    const { name } = nameAfter(ctx.tokens, 1);
    const entry = this.catalog.get(ctx.database, name);
    fail('checkIcebergOnlyDml', checkIcebergOnlyDml(ctx.kind, name, entry?.kind));
    if (entry?.files && ctx.kind === 'vacuum') {
      // VACUUM expires snapshots past the table's age limit and deletes the files only they referenced.
      await this.icebergFiles.vacuum(entry.files);
      entry.snapshots.splice(0, Math.max(0, entry.snapshots.length - entry.files.snapshots.length));
    } else if (entry?.files) {
      // OPTIMIZE … REWRITE DATA rewrites data files with their deletes applied (thresholds permitting).
      if ((await this.icebergFiles.optimize(entry.files, entry.location, name)) > 0)
        this.catalog.snapshot(entry, 'optimize');
    }
    return {
      kind: ctx.kind,
      statementType: 'DML',
      columns: [],
      rows: [],
      header: false,
      dataScannedBytes: 0,
    };
  }

  private async unload(ctx: Ctx): Promise<StatementResult> {
    const open = ctx.tokens.findIndex((t) => t.value === '(' && t.depth === 0);
    const close = ctx.tokens.findIndex((t, i) => i > open && t.value === ')' && t.depth === 0);
    const select = ctx.sql.slice((ctx.tokens[open] as Token).start + 1, (ctx.tokens[close] as Token).start);
    const uri = ctx.tokens[close + 2]?.value ?? '';
    const properties = ctx.tokens[close + 3]?.value === 'WITH' ? withProperties(ctx.tokens, close + 4) : {};
    const s3 = this.requireS3(uri);
    const { bucket, prefix } = parseS3(uri);
    const existing = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 10 }));
    fail('checkUnloadTargetEmpty', checkUnloadTargetEmpty(uri, existing.KeyCount ?? 0));
    const staging = join(
      this.options.workDir,
      'unload',
      `${Date.now()}-${Math.random().toString(36).slice(2)}`,
    );
    await mkdir(staging, { recursive: true });
    const format = String(properties.format ?? 'PARQUET').toUpperCase();
    const partitionedBy = Array.isArray(properties.partitioned_by) ? properties.partitioned_by : [];
    try {
      let rows = 0;
      if (format === 'PARQUET') {
        if (partitionedBy.length > 0) {
          const partitions = await this.scalar(
            `SELECT count(*) AS n FROM (SELECT DISTINCT ${partitionedBy.map(dq).join(', ')} FROM (${select}))`,
          );
          fail('checkPartitionsWritten', checkPartitionsWritten(partitions));
        }
        const compression = String(properties.compression ?? 'gzip').toLowerCase();
        const options = [
          `FORMAT parquet`,
          `COMPRESSION ${compression === 'none' ? 'uncompressed' : compression}`,
        ];
        if (partitionedBy.length > 0) options.push(`PARTITION_BY (${partitionedBy.map(dq).join(', ')})`);
        const target = partitionedBy.length > 0 ? staging : join(staging, 'part-00000.parquet');
        const reader = await this.accounting.profiled(() =>
          this.connection.runAndReadAll(
            `COPY (${select}) TO '${target.replaceAll("'", "''")}' (${options.join(', ')})`,
          ),
        );
        rows = Number(reader.rowsChanged);
      } else {
        // TEXTFILE: one line per row, fields joined by the delimiter, no quoting, no header.
        const delimiter = String(properties.field_delimiter ?? '\u0001').replace('\\t', '\t');
        const reader = await this.accounting.profiled(() => this.connection.runAndReadAll(select));
        const lines = reader
          .getRowsJS()
          .map((r) => r.map((v) => (v === null ? '\\N' : String(v))).join(delimiter));
        rows = lines.length;
        await writeFile(join(staging, 'part-00000'), lines.length > 0 ? `${lines.join('\n')}\n` : '');
      }
      // A few uploads at a time, as Athena's writers do (one file per partition adds up).
      const files = await listFiles(staging);
      const upload = async (file: string) =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `${prefix}${relative(staging, file).split('\\').join('/')}`,
            Body: await readFile(file),
          }),
        );
      for (let i = 0; i < files.length; i += 8) await Promise.all(files.slice(i, i + 8).map(upload));
      return {
        kind: ctx.kind,
        statementType: 'DML',
        columns: [],
        rows: [],
        updateCount: rows,
        header: false,
        dataScannedBytes: 0,
      };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private async scalar(sql: string): Promise<number> {
    const reader = await this.connection.runAndReadAll(sql);
    return Number(reader.getRowsJS()[0]?.[0] ?? 0);
  }

  /** External tables a statement names (or names a prefix of, as `landing_x__new` does) read their files now. */
  private async syncReferencedExternalTables(database: string, tokens: readonly Token[]): Promise<void> {
    const external = this.catalog.list(database).filter((r) => r.kind === 'hive' && r.columns);
    if (external.length === 0) return;
    const names = new Set(
      tokens
        .filter((t) => t.kind !== 'string' && t.kind !== 'symbol')
        .map((t) => t.text.replace(/^["`]|["`]$/g, '').toLowerCase()),
    );
    for (const table of external) {
      const lower = table.name.toLowerCase();
      if ([...names].some((n) => n === lower || n.startsWith(`${lower}__`)))
        await this.syncExternalTable(database, table.name);
    }
  }

  /** Mirror the external table's files from S3 and (re)define its DuckDB view over them, `"$path"` included. */
  private async syncExternalTable(database: string, name: string): Promise<void> {
    const table = this.catalog.get(database, name);
    if (!table?.location || !table.columns) return;
    const files: string[] = [];
    if (table.location.startsWith('s3://') && this.options.s3) {
      const { bucket, prefix } = parseS3(table.location);
      let token: string | undefined;
      do {
        const page = await this.options.s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key || object.Key.endsWith('/')) continue;
          const local = join(this.options.workDir, 'mirror', bucket, object.Key);
          const version = `${object.ETag}:${object.Size}`;
          if (this.mirrored.get(local) !== version) {
            const body = await this.options.s3.send(
              new GetObjectCommand({ Bucket: bucket, Key: object.Key }),
            );
            await mkdir(dirname(local), { recursive: true });
            await writeFile(
              local,
              await (body.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
            );
            this.mirrored.set(local, version);
          }
          files.push(local);
        }
        token = page.NextContinuationToken;
      } while (token);
    }
    const names = Object.keys(table.columns);
    const partitionNames = Object.keys(table.partitionColumns ?? {});
    const typeOf = (t: string) => HIVE_TO_DUCKDB[t.toLowerCase()] ?? 'VARCHAR';
    let select: string;
    if (files.length === 0) {
      const typed = [
        ...names.map((n) => `CAST(NULL AS ${typeOf(table.columns?.[n] ?? 'string')}) AS ${dq(n)}`),
        ...partitionNames.map((n) => `CAST(NULL AS VARCHAR) AS ${dq(n)}`),
        `CAST(NULL AS VARCHAR) AS "$path"`,
      ];
      select = `SELECT ${typed.join(', ')} WHERE 1 = 0`;
    } else {
      const mirrorRoot = join(this.options.workDir, 'mirror');
      const columns = names.map(
        (n) => `'${n.replaceAll("'", "''")}': '${typeOf(table.columns?.[n] ?? 'string')}'`,
      );
      const hiveTypes = partitionNames.map((n) => `'${n}': 'VARCHAR'`);
      select =
        `SELECT ${[...names.map(dq), ...partitionNames.map(dq)].join(', ')}, ` +
        `'s3://' || substr(filename, ${mirrorRoot.length + 2}) AS "$path" ` +
        `FROM read_json([${files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}], format = 'newline_delimited', ` +
        `columns = {${columns.join(', ')}}, filename = true, hive_partitioning = true` +
        (hiveTypes.length > 0 ? `, hive_types = {${hiveTypes.join(', ')}})` : ')');
    }
    await this.connection.run(`CREATE OR REPLACE VIEW ${dq(name)} AS ${select}`);
    await this.accounting.recordExternalFiles(database, name, files, names, partitionNames);
  }

  private requireS3(uri: string): S3Client {
    if (!this.options.s3 || !uri.startsWith('s3://'))
      throw new AthenaRuleViolation(
        's3',
        `The local Athena has no S3 endpoint for ${uri}; start it with s3Endpoint`,
      );
    return this.options.s3;
  }
}

interface Ctx {
  readonly sql: string;
  readonly tokens: readonly Token[];
  readonly kind: StatementKind;
  readonly database: string;
}

function fail(rule: string, message: string | undefined, errorType = 1000): void {
  if (message !== undefined) throw new AthenaRuleViolation(rule, message, errorType);
}

function dq(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function classify(tokens: readonly Token[]): StatementKind {
  const [first, second, third, fourth] = leadingWords(tokens, 4);
  switch (first) {
    case 'SELECT':
    case 'WITH':
    case 'VALUES':
    case 'SHOW':
    case 'DESCRIBE':
    case 'EXPLAIN':
      return 'select';
    case 'INSERT':
      return 'insert';
    case 'MERGE':
      return 'merge';
    case 'UPDATE':
      return 'update';
    case 'DELETE':
      return 'delete';
    case 'UNLOAD':
      return 'unload';
    case 'OPTIMIZE':
      return 'optimize';
    case 'VACUUM':
      return 'vacuum';
    case 'DROP':
      return second === 'VIEW' ? 'drop-view' : second === 'TABLE' ? 'drop-table' : 'other';
    case 'ALTER':
      return tokens.some((t) => t.kind === 'word' && t.value === 'RENAME') ? 'alter-table-rename' : 'other';
    case 'CREATE': {
      if (second === 'EXTERNAL') return 'create-external-table';
      if (second === 'DATABASE' || second === 'SCHEMA') return 'create-database';
      if (second === 'VIEW' || (second === 'OR' && third === 'REPLACE' && fourth === 'VIEW'))
        return 'create-view';
      if (second === 'TABLE') {
        const isCtas = tokens.some(
          (t, i) =>
            t.depth === 0 &&
            t.value === 'AS' &&
            ['SELECT', 'WITH', '(', 'VALUES'].includes(tokens[i + 1]?.value ?? ''),
        );
        return isCtas ? 'ctas' : 'create-table';
      }
      return 'other';
    }
    default:
      return 'other';
  }
}

function isSetTblProperties(tokens: readonly Token[]): boolean {
  const [first, second] = leadingWords(tokens, 2);
  return (
    first === 'ALTER' &&
    second === 'TABLE' &&
    tokens.some((t) => t.kind === 'word' && t.value === 'TBLPROPERTIES')
  );
}

function wordIndex(tokens: readonly Token[], words: readonly string[]): number {
  return tokens.findIndex((t) => t.kind === 'word' && words.includes(t.value));
}

function hasIfNotExists(tokens: readonly Token[], tableIndex: number): boolean {
  return tokens[tableIndex + 1]?.value === 'IF';
}

/** The (possibly qualified) relation name starting at `index`, skipping `IF [NOT] EXISTS`. */
function nameAfter(tokens: readonly Token[], index: number, _ddl = false): { name: string; next: number } {
  let i = index;
  if (tokens[i]?.value === 'IF') i += tokens[i + 1]?.value === 'NOT' ? 3 : 2;
  let name = identifier(tokens[i]);
  i++;
  while (tokens[i]?.value === '.' && tokens[i + 1]) {
    name = identifier(tokens[i + 1]);
    i += 2;
  }
  return { name, next: i };
}

function identifier(token: Token | undefined): string {
  if (!token) return '';
  return token.kind === 'word' ? token.text.toLowerCase() : token.value;
}

/** `(name type, …)` starting at the `(` at `open`: name → type text. */
function columnList(tokens: readonly Token[], open: number): Record<string, string> {
  const columns: Record<string, string> = {};
  const start = tokens[open];
  if (start?.value !== '(') return columns;
  let i = open + 1;
  while (i < tokens.length && (tokens[i] as Token).depth > start.depth) {
    const nameToken = tokens[i] as Token;
    const typeParts: string[] = [];
    i++;
    while (i < tokens.length) {
      const t = tokens[i] as Token;
      if (t.depth === start.depth) break;
      if (t.depth === start.depth + 1 && t.value === ',') break;
      // `name type COMMENT 'text'`: the comment is no part of the type.
      if (t.depth === start.depth + 1 && t.kind === 'word' && t.value === 'COMMENT') {
        while (i < tokens.length && (tokens[i] as Token).depth > start.depth) {
          const rest = tokens[i] as Token;
          if (rest.depth === start.depth + 1 && rest.value === ',') break;
          i++;
        }
        break;
      }
      typeParts.push(t.text);
      i++;
    }
    columns[identifier(nameToken)] = typeParts.join(' ').replace(/\s*([(),])\s*/g, '$1');
    if ((tokens[i] as Token | undefined)?.value === ',') i++;
  }
  return columns;
}

/** `(key = value, …)` of a CTAS / UNLOAD WITH clause; ARRAY['a', 'b'] becomes a string array. */
function withProperties(tokens: readonly Token[], open: number): Record<string, string | boolean | string[]> {
  const props: Record<string, string | boolean | string[]> = {};
  const start = tokens[open];
  if (start?.value !== '(') return props;
  let i = open + 1;
  while (i < tokens.length && (tokens[i] as Token).depth > start.depth) {
    const key = (tokens[i] as Token).text.toLowerCase();
    const value = tokens[i + 2];
    if (!value) break;
    if (value.value === 'ARRAY') {
      const items: string[] = [];
      let j = i + 4;
      while (j < tokens.length && tokens[j]?.value !== ']') {
        if (tokens[j]?.kind === 'string') items.push((tokens[j] as Token).value);
        j++;
      }
      props[key] = items;
      i = j + 1;
    } else {
      props[key] =
        value.kind === 'word'
          ? value.value === 'TRUE' || (value.value === 'FALSE' ? false : value.text)
          : value.value;
      i += 3;
    }
    if (tokens[i]?.value === ',') i++;
  }
  return props;
}

function writeTarget(ctx: Ctx): string {
  const at = ctx.kind === 'update' ? 0 : wordIndex(ctx.tokens, [ctx.kind === 'delete' ? 'FROM' : 'INTO']);
  return nameAfter(ctx.tokens, at + 1).name;
}

function parseS3(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new AthenaRuleViolation('s3', `Not an S3 location: ${uri}`);
  return { bucket: match[1] as string, prefix: match[2] as string };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry);
    if ((await stat(path)).isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

/** DuckDB type text → Athena's type name in ColumnInfo. */
export function athenaType(duckType: string): { type: string; precision: number; scale: number } {
  const t = duckType.toUpperCase();
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(t);
  if (decimal) return { type: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
  if (t.endsWith('[]')) return { type: 'array', precision: 0, scale: 0 };
  const map: Record<string, [string, number]> = {
    BIGINT: ['bigint', 19],
    HUGEINT: ['bigint', 19],
    UBIGINT: ['bigint', 19],
    INTEGER: ['integer', 10],
    UINTEGER: ['bigint', 19],
    SMALLINT: ['smallint', 5],
    TINYINT: ['tinyint', 3],
    DOUBLE: ['double', 17],
    FLOAT: ['real', 17],
    BOOLEAN: ['boolean', 0],
    VARCHAR: ['varchar', 2147483647],
    JSON: ['json', 0],
    DATE: ['date', 0],
    TIMESTAMP: ['timestamp', 3],
    'TIMESTAMP WITH TIME ZONE': ['timestamp with time zone', 3],
    TIMESTAMP_NS: ['timestamp', 9],
    TIMESTAMP_MS: ['timestamp', 3],
  };
  const [type, precision] = map[t] ?? [
    t.startsWith('STRUCT') ? 'row' : t.startsWith('MAP') ? 'map' : 'varchar',
    0,
  ];
  return { type, precision, scale: 0 };
}

function readResult(reader: DuckDBResultReader): { columns: ResultColumn[]; rows: (string | null)[][] } {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = names.map((name, i) => ({ name, ...athenaType(String(types[i])) }));
  const rows = reader
    .getRowsJS()
    .map((row) =>
      row.map((value, i) => athenaText(toPlain(value, types[i]?.typeId), columns[i]?.type ?? 'varchar')),
    );
  return { columns, rows };
}

/** A plain value as Athena prints it: timestamps `YYYY-MM-DD HH:MM:SS.mmm` (+ ` UTC` when zoned). */
function athenaText(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (type.startsWith('timestamp') && typeof value === 'string' && value.endsWith('Z')) {
    const text = value.replace('T', ' ').replace('Z', '');
    return type === 'timestamp with time zone' ? `${text} UTC` : text;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A DuckDB refusal as the FAILED query Athena would report (missing relations as TABLE_NOT_FOUND). */
function translateDuckDbError(error: unknown): AthenaRuleViolation {
  const message = (error as Error).message ?? String(error);
  const missing = /Table with name (\S+) does not exist/.exec(message);
  if (missing) return new AthenaRuleViolation('catalog', tableNotFound(missing[1] as string));
  if (/INTERRUPT/i.test(message)) return new AthenaRuleViolation('cancelled', 'Query was cancelled', 0);
  return new AthenaRuleViolation('engine', message, 1000);
}
