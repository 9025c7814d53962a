import type { ColumnType } from '#src/landing/columns.ts';
import type { LandingStream } from '#src/landing/landing-schemas.ts';

/**
 * The few statements that differ between engines. The model runner composes them; it never writes
 * engine-specific SQL itself. Each engine folder has a `<x>-statements.ts` implementing this, and the
 * Athena one is covered statement by statement in the tests.
 *
 * Every method returns the statements to run in order; a statement never ends with `;`.
 */
export interface EngineStatements {
  /**
   * Define `landing_<source>__<stream>` (every landing row) and `landing_<source>__<stream>__new`
   * (rows of `newFiles` only). Files are engine addresses (`store.uri(key)`). An empty list must
   * still define a typed, empty relation.
   */
  landingSources(input: LandingSourceInput): string[];
  /** A seed table `name` holding exactly these rows. */
  seedTable(input: SeedTableInput): string[];
  /** Replace a view (dropping a table of that name first if the model changed materialisation). */
  createView(input: RelationInput & { readonly existing?: 'table' | 'view' }): string[];
  /** Build the query into a new table and swap it in, so readers see the old table or the new one. */
  replaceTable(input: TableInput & { readonly existing?: 'table' | 'view' }): string[];
  /** Materialise the rows a run changed (the delta of an incremental model) into `deltaName`. */
  createDelta(input: TableInput & { readonly deltaName: string }): string[];
  /** MERGE the delta into the target on the unique key, restricted to these partitions. */
  merge(input: MergeInput): string;
  /**
   * Make each of these partitions of the target hold exactly the delta's rows: one atomic MERGE that
   * updates and inserts the delta's rows and deletes the target's rows of those partitions the
   * delta lacks (readers never see a partition half replaced).
   */
  replacePartitions(
    input: MergeInput & { readonly partitionBy: string; readonly partitions: readonly string[] },
  ): string;
  dropTable(name: string): string;
  /**
   * Rename a table (a swap's way back: a retried transform puts back `x__old` that a crash left
   * renamed away). Absent where a swap is one transaction and never leaves a table renamed away.
   */
  renameTable?(from: string, to: string): string;
  /** A small bookkeeping table (run metadata), created once and then read and written through Kysely. */
  createTableIfMissing(name: string, columns: Readonly<Record<string, ColumnType>>): string;
}

export interface LandingSourceInput {
  readonly stream: LandingStream;
  /** Every landing file of the stream (addresses), in key order. */
  readonly allFiles: readonly string[];
  /** The files that arrived since the last successful transform (all of them on a full rebuild). */
  readonly newFiles: readonly string[];
  /** Object-store prefix address of the stream (`<root>/landing/<source>/<stream>/` or `s3://…`). */
  readonly prefixUri: string;
}

export interface SeedTableInput {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly runId: string;
  /** What holds the name now (from the catalog): nothing on a first deployment. */
  readonly existing?: 'table' | 'view';
}

export interface RelationInput {
  readonly name: string;
  /** The model's SELECT, as written in its file (trailing `;` removed). */
  readonly sql: string;
}

export interface TableInput extends RelationInput {
  readonly partitionBy?: string;
  readonly runId: string;
  /**
   * The partition values the query produces (as text), when the runner knows them: an engine that
   * writes at most 100 partitions a statement (Athena) writes the table in batches of them.
   */
  readonly partitions?: readonly string[];
}

export interface MergeInput {
  readonly target: string;
  readonly deltaName: string;
  readonly columns: readonly string[];
  readonly uniqueKey: readonly string[];
  readonly partitionBy?: string;
  /** Partition values this statement may touch (at most 100 on Athena); absent = unpartitioned. */
  readonly partitions?: readonly string[];
  /** Update a matched row only when the delta's version is at least the stored one (or none is stored). */
  readonly versionColumn?: string;
}

/** Trino and DuckDB both quote identifiers with double quotes. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal ('' escapes a quote in both engines). */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The SQL type each engine declares for a logical column type, in the query (Trino) dialect. */
export const sqlTypeOf: Readonly<Record<ColumnType, string>> = {
  varchar: 'VARCHAR',
  json: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP(3)',
};

/** Render a value as a literal of the given logical type, valid in Trino and DuckDB alike. */
export function sqlLiteral(value: unknown, type: ColumnType): string {
  if (value === null || value === undefined) return `CAST(NULL AS ${sqlTypeOf[type]})`;
  switch (type) {
    case 'varchar':
      return quoteString(String(value));
    case 'json':
      return quoteString(typeof value === 'string' ? value : JSON.stringify(value));
    case 'bigint': {
      const n = typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
      return `CAST(${n} AS BIGINT)`;
    }
    case 'double': {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new TypeError(`not a finite number: ${String(value)}`);
      return `CAST(${n} AS DOUBLE)`;
    }
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(String(value));
      if (Number.isNaN(date.getTime())) throw new TypeError(`not a timestamp: ${String(value)}`);
      // TIMESTAMP 'YYYY-MM-DD HH:MM:SS.mmm' is read the same by both engines (UTC session).
      return `TIMESTAMP '${date.toISOString().replace('T', ' ').replace('Z', '')}'`;
    }
  }
}

/** `SELECT … FROM (VALUES …)` of typed rows; a typed empty relation when there are none. */
export function valuesQuery(
  columns: Readonly<Record<string, ColumnType>>,
  rows: readonly Readonly<Record<string, unknown>>[],
): string {
  const names = Object.keys(columns);
  if (names.length === 0) throw new TypeError('a seed needs at least one column');
  if (rows.length === 0) {
    const typed = names.map(
      (n) => `CAST(NULL AS ${sqlTypeOf[columns[n] as ColumnType]}) AS ${quoteIdentifier(n)}`,
    );
    return `SELECT ${typed.join(', ')} WHERE 1 = 0`;
  }
  const tuples = rows.map(
    (row) => `(${names.map((n) => sqlLiteral(row[n], columns[n] as ColumnType)).join(', ')})`,
  );
  const projection = names.map(
    (n) => `CAST(${quoteIdentifier(n)} AS ${sqlTypeOf[columns[n] as ColumnType]}) AS ${quoteIdentifier(n)}`,
  );
  return `SELECT ${projection.join(', ')} FROM (VALUES ${tuples.join(', ')}) AS t(${names.map(quoteIdentifier).join(', ')})`;
}

/** The ON / UPDATE / INSERT clauses shared by both engines' MERGE. */
export function mergeStatement(input: MergeInput): string {
  const { target, deltaName, columns, uniqueKey, partitionBy, partitions, versionColumn } = input;
  const q = quoteIdentifier;
  const inList = partitions && partitions.length > 0 ? partitions.map(quoteString).join(', ') : undefined;
  const on = uniqueKey.map((k) => `t.${q(k)} = s.${q(k)}`);
  // The partition predicate on the target is what lets Iceberg prune files: only the partitions
  // this run changed are read and rewritten.
  if (partitionBy && inList) on.push(`t.${q(partitionBy)} IN (${inList})`);
  const source =
    partitionBy && inList
      ? `(SELECT * FROM ${q(deltaName)} WHERE ${q(partitionBy)} IN (${inList}))`
      : q(deltaName);
  const updatable = columns.filter((c) => !uniqueKey.includes(c));
  // An older version arriving late (a look-back re-read, a retried page) must not overwrite a newer one.
  const guard = versionColumn
    ? ` AND (t.${q(versionColumn)} IS NULL OR s.${q(versionColumn)} >= t.${q(versionColumn)})`
    : '';
  const update =
    updatable.length > 0
      ? `WHEN MATCHED${guard} THEN UPDATE SET ${updatable.map((c) => `${q(c)} = s.${q(c)}`).join(', ')} `
      : '';
  return (
    `MERGE INTO ${q(target)} AS t USING ${source} AS s ON ${on.join(' AND ')} ` +
    update +
    `WHEN NOT MATCHED THEN INSERT (${columns.map(q).join(', ')}) VALUES (${columns.map((c) => `s.${q(c)}`).join(', ')})`
  );
}

/**
 * Replace whole partitions in one MERGE (Trino has no `WHEN NOT MATCHED BY SOURCE`): the source is
 * the delta's rows plus, marked for deletion, the keys of the target's rows of those partitions that
 * the delta lacks (their other columns NULL: a deleted row needs only its key, and Athena bills only
 * the columns a query reads). Both engines run the same text; the unique key must not be NULL
 * (checked by the runner).
 */
export function replacePartitionsStatement(
  input: MergeInput & { readonly partitionBy: string; readonly partitions: readonly string[] },
): string {
  const { target, deltaName, columns, uniqueKey, partitionBy, partitions } = input;
  const q = quoteIdentifier;
  const inList = partitions.map(quoteString).join(', ');
  const marker = q('__replaced');
  const list = columns.map(q).join(', ');
  const keyMatch = (left: string, right: string) =>
    uniqueKey.map((k) => `${left}.${q(k)} = ${right}.${q(k)}`);
  const source =
    `(SELECT ${list}, FALSE AS ${marker} FROM ${q(deltaName)} WHERE ${q(partitionBy)} IN (${inList}) ` +
    `UNION ALL SELECT ${columns.map((c) => (uniqueKey.includes(c) ? `o.${q(c)}` : 'NULL')).join(', ')}, TRUE AS ${marker} FROM ${q(target)} AS o ` +
    `WHERE o.${q(partitionBy)} IN (${inList}) AND NOT EXISTS (SELECT 1 FROM ${q(deltaName)} AS d WHERE ` +
    `${keyMatch('d', 'o').join(' AND ')}))`;
  const on = [...keyMatch('t', 's'), `t.${q(partitionBy)} IN (${inList})`];
  const updatable = columns.filter((c) => !uniqueKey.includes(c));
  const update =
    updatable.length > 0
      ? `WHEN MATCHED THEN UPDATE SET ${updatable.map((c) => `${q(c)} = s.${q(c)}`).join(', ')} `
      : '';
  return (
    `MERGE INTO ${q(target)} AS t USING ${source} AS s ON ${on.join(' AND ')} ` +
    `WHEN MATCHED AND s.${marker} THEN DELETE ` +
    update +
    `WHEN NOT MATCHED AND NOT s.${marker} THEN INSERT (${list}) VALUES (${columns.map((c) => `s.${q(c)}`).join(', ')})`
  );
}
