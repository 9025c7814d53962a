import type { Token } from '../sql-tokens.ts';

/**
 * Athena engine v3's documented rules, as the local Athena enforces them: one small named check per
 * rule, each citing the page it comes from. A check returns the message Athena would fail the query
 * with, or `undefined` when the statement keeps the rule.
 */

/** What Athena would report: the query FAILED with this message (or the API call is refused). */
export class AthenaRuleViolation extends Error {
  override readonly name = 'AthenaRuleViolation';
  constructor(
    readonly rule: string,
    message: string,
    /** Athena error type (error catalog); 1000 = user error, 1003 = DDL task failed, 233 = Iceberg error. */
    readonly errorType = 1000,
  ) {
    super(message);
  }
}

export type StatementKind =
  | 'select'
  | 'ctas'
  | 'create-table'
  | 'create-external-table'
  | 'create-view'
  | 'create-database'
  | 'drop-table'
  | 'drop-view'
  | 'alter-table-rename'
  | 'insert'
  | 'merge'
  | 'update'
  | 'delete'
  | 'unload'
  | 'optimize'
  | 'vacuum'
  | 'other';

/** Statements Athena hands to its Hive DDL parser (backtick identifiers), the rest go to Trino. */
export const HIVE_DDL_KINDS: ReadonlySet<StatementKind> = new Set([
  'create-table',
  'create-external-table',
  'create-database',
  'drop-table',
  'alter-table-rename',
]);

export const DOCS = {
  parameterizedQueries: 'https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html',
  queryStringLimit: 'https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html',
  reservedWords: 'https://docs.aws.amazon.com/athena/latest/ug/reserved-words.html',
  icebergTypes: 'https://docs.aws.amazon.com/athena/latest/ug/querying-iceberg-supported-data-types.html',
  partitionLimit: 'https://docs.aws.amazon.com/athena/latest/ug/ctas-insert-into.html',
  icebergRename: 'https://docs.aws.amazon.com/athena/latest/ug/querying-iceberg-alter-table-rename.html',
  icebergDrop: 'https://docs.aws.amazon.com/athena/latest/ug/querying-iceberg-drop-table.html',
  icebergDml:
    'https://docs.aws.amazon.com/athena/latest/ug/querying-iceberg-updating-iceberg-table-data.html',
  vacuum: 'https://docs.aws.amazon.com/athena/latest/ug/vacuum-statement.html',
  unload: 'https://docs.aws.amazon.com/athena/latest/ug/unload.html',
  ctasLocation: 'https://docs.aws.amazon.com/athena/latest/ug/considerations-limitations-ctas.html',
  errorCatalog: 'https://docs.aws.amazon.com/athena/latest/ug/error-reference.html',
  viewsLakeFormation: 'https://docs.aws.amazon.com/lake-formation/latest/dg/athena-lf.html',
  approxPercentile: 'https://trino.io/docs/current/functions/aggregate.html#approx_percentile',
} as const;

/** StartQueryExecution's QueryString is 1 to 262,144 bytes; a longer one is refused by the API. */
export const MAX_QUERY_BYTES = 262_144;

export function checkQueryStringLength(sql: string): string | undefined {
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes === 0) return 'QueryString must not be empty';
  if (bytes > MAX_QUERY_BYTES)
    return `Query string is ${bytes} bytes; the limit is ${MAX_QUERY_BYTES} bytes (${DOCS.queryStringLimit})`;
  return undefined;
}

/** Execution parameters: only SELECT, INSERT INTO, CTAS and UNLOAD accept them. */
export function checkParametersStatementKind(
  kind: StatementKind,
  parameterCount: number,
): string | undefined {
  if (parameterCount === 0) return undefined;
  if (kind === 'select' || kind === 'insert' || kind === 'ctas' || kind === 'unload') return undefined;
  return (
    `Execution parameters are not supported for this statement (${kind}); ` +
    `only SELECT, INSERT INTO, CTAS and UNLOAD take them (${DOCS.parameterizedQueries})`
  );
}

/** The number of `?` equals the number of execution parameters. */
export function checkParameterCount(tokens: readonly Token[], parameterCount: number): string | undefined {
  const placeholders = tokens.filter((t) => t.kind === 'param').length;
  if (placeholders === parameterCount) return undefined;
  return `Incorrect number of parameters: expected ${placeholders} but found ${parameterCount} (${DOCS.parameterizedQueries})`;
}

const CLAUSE_WORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'VALUES',
  'SET',
  'ON',
  'JOIN',
  'USING',
  'WHEN',
  'THEN',
]);

/** A `?` may stand only in a WHERE clause (`SELECT ?`, `VALUES (?)`, `LIMIT ?` are refused). */
export function checkParametersOnlyInWhere(tokens: readonly Token[]): string | undefined {
  let clause = '';
  const clauseAtDepth: string[] = [];
  for (const token of tokens) {
    // A clause keyword sets the clause of its parenthesis level; a level closes with its ')'.
    clauseAtDepth.length = token.depth + 1;
    if (token.kind === 'word' && CLAUSE_WORDS.has(token.value)) clauseAtDepth[token.depth] = token.value;
    if (token.kind !== 'param') continue;
    clause = '';
    for (let d = token.depth; d >= 0; d--) {
      const c = clauseAtDepth[d];
      if (c) {
        clause = c;
        break;
      }
    }
    if (clause !== 'WHERE')
      return `line 1:${token.start + 1}: Parameters are only supported in the WHERE clause, found one in ${clause || 'the statement'} (${DOCS.parameterizedQueries})`;
  }
  return undefined;
}

/** Hive DDL (CREATE EXTERNAL TABLE, DROP TABLE, ALTER TABLE …) quotes identifiers with backticks, never `"`. */
export function checkDdlQuoting(kind: StatementKind, tokens: readonly Token[]): string | undefined {
  if (!HIVE_DDL_KINDS.has(kind)) return undefined;
  const quoted = tokens.find((t) => t.kind === 'double-quoted');
  if (!quoted) return undefined;
  return `line 1:${quoted.start + 1}: mismatched input '${quoted.text}'. DDL statements quote identifiers with backticks (${DOCS.reservedWords})`;
}

/** Trino statements (SELECT, CTAS, views, DML) quote identifiers with `"`; backticks are refused. */
export function checkDmlQuoting(kind: StatementKind, tokens: readonly Token[]): string | undefined {
  if (HIVE_DDL_KINDS.has(kind)) return undefined;
  const quoted = tokens.find((t) => t.kind === 'backquoted');
  if (!quoted) return undefined;
  return `line 1:${quoted.start + 1}: backquoted identifiers are not supported; use double quotes to quote identifiers (${DOCS.reservedWords})`;
}

/** Reserved keywords of Athena DDL (the documented list): unquoted they fail as identifiers in DDL. */
export const DDL_RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    'ALL ALTER AND ARRAY AS AUTHORIZATION BETWEEN BIGINT BINARY BOOLEAN BOTH BY CASE CASHE CAST CHAR COLUMN CONF ' +
    'CONSTRAINT COMMIT CREATE CROSS CUBE CURRENT CURRENT_DATE CURRENT_TIMESTAMP CURSOR DATABASE DATE DAYOFWEEK ' +
    'DECIMAL DELETE DESCRIBE DISTINCT DIV DOUBLE DROP ELSE END EXCHANGE EXISTS EXTENDED EXTERNAL EXTRACT FALSE ' +
    'FETCH FLOAT FLOOR FOLLOWING FOR FOREIGN FROM FULL FUNCTION GRANT GROUP GROUPING HAVING IF IMPORT IN INNER ' +
    'INSERT INT INTEGER INTERSECT INTERVAL INTO IS JOIN LATERAL LEFT LESS LIKE LOCAL MACRO MAP MORE NONE NOT NULL ' +
    'NUMERIC OF ON ONLY OR ORDER OUT OUTER OVER PARTIALSCAN PARTITION PERCENT PRECEDING PRECISION PRESERVE ' +
    'PRIMARY PROCEDURE RANGE READS REDUCE REGEXP REFERENCES REVOKE RIGHT RLIKE ROLLBACK ROLLUP ROW ROWS SELECT ' +
    'SET SMALLINT START TABLE TABLESAMPLE THEN TIME TIMESTAMP TO TRANSFORM TRIGGER TRUE TRUNCATE UNBOUNDED UNION ' +
    'UNIQUEJOIN UPDATE USER USING UTC_TIMESTAMP VALUES VARCHAR VIEWS WHEN WHERE WINDOW WITH'
  ).split(' '),
);

/** A column declared in CREATE [EXTERNAL] TABLE under a reserved word must be backquoted. */
export function checkDdlReservedWords(kind: StatementKind, tokens: readonly Token[]): string | undefined {
  if (kind !== 'create-table' && kind !== 'create-external-table') return undefined;
  const open = tokens.findIndex((t) => t.kind === 'symbol' && t.value === '(' && t.depth === 0);
  if (open < 0) return undefined;
  for (let i = open + 1; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.depth === 0) break;
    const previous = tokens[i - 1] as Token;
    const startsColumn =
      token.depth === 1 && previous.kind === 'symbol' && (previous.value === '(' || previous.value === ',');
    if (startsColumn && token.kind === 'word' && DDL_RESERVED_WORDS.has(token.value))
      return `line 1:${token.start + 1}: cannot recognize input near '${token.text}': ${token.value} is a reserved keyword; enclose it in backticks (${DOCS.reservedWords})`;
  }
  return undefined;
}

/** ALTER TABLE … RENAME TO needs the table to exist (and the new name to be free). */
export function checkRenameSource(name: string, exists: boolean): string | undefined {
  if (exists) return undefined;
  return `Table not found: ${name}. ALTER TABLE RENAME renames an existing table (${DOCS.icebergRename})`;
}

export function checkRenameTarget(name: string, exists: boolean): string | undefined {
  if (!exists) return undefined;
  return `Table already exists: ${name} (${DOCS.icebergRename})`;
}

/** Only Iceberg tables can be renamed in Athena; a Hive table (or a view) cannot. */
export function checkRenameIcebergOnly(name: string, kind: string): string | undefined {
  if (kind === 'iceberg') return undefined;
  return `ALTER TABLE RENAME TO is not supported for ${kind} table ${name}; only Iceberg tables can be renamed (${DOCS.icebergRename})`;
}

/** Iceberg DDL (CREATE TABLE / CTAS) takes only timestamp without time zone. */
export function checkIcebergColumnTypes(
  columns: readonly { name: string; type: string }[],
): string | undefined {
  const zoned = columns.find((c) => /WITH TIME ZONE|TIMESTAMPTZ/i.test(c.type));
  if (zoned)
    return `Unsupported Hive type: timestamp(6) with time zone (column ${zoned.name}); Iceberg tables take timestamp without time zone only (${DOCS.icebergTypes})`;
  const small = columns.find((c) => /^(TINYINT|SMALLINT|CHAR\b)/i.test(c.type));
  if (small) return `Unsupported Iceberg type ${small.type} (column ${small.name}) (${DOCS.icebergTypes})`;
  return undefined;
}

/** CTAS, INSERT INTO, UNLOAD and MERGE write at most 100 partitions per statement. */
export const MAX_PARTITIONS_PER_WRITE = 100;

export function checkPartitionsWritten(count: number): string | undefined {
  if (count <= MAX_PARTITIONS_PER_WRITE) return undefined;
  return `HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of ${MAX_PARTITIONS_PER_WRITE} open writers for partitions/buckets (this statement writes ${count}) (${DOCS.partitionLimit})`;
}

/** UPDATE, DELETE and MERGE INTO (and OPTIMIZE / VACUUM) work on Iceberg tables only. */
export function checkIcebergOnlyDml(
  kind: StatementKind,
  table: string,
  tableKind: string | undefined,
): string | undefined {
  if (tableKind === 'iceberg') return undefined;
  if (tableKind === undefined) return `Table not found: ${table}`;
  return `NOT_SUPPORTED: ${kind.toUpperCase()} is only supported for Iceberg tables, ${table} is a ${tableKind} (${DOCS.icebergDml})`;
}

/** A CTAS writes into an empty location; files there (another table's, or a dropped one's leftovers) fail it. */
export function checkCtasLocationFree(location: string, usedBy: string | undefined): string | undefined {
  if (!usedBy) return undefined;
  return `HIVE_PATH_ALREADY_EXISTS: Target directory for table already exists: ${location} (used by ${usedBy}) (${DOCS.ctasLocation})`;
}

/** UNLOAD writes into an empty prefix only. */
export function checkUnloadTargetEmpty(uri: string, objects: number): string | undefined {
  if (objects === 0) return undefined;
  return `HIVE_PATH_ALREADY_EXISTS: Target directory for UNLOAD already exists and holds ${objects} objects: ${uri} (${DOCS.unload})`;
}

/**
 * Lake Formation: a query of a view needs the caller's SELECT on the view and on every table under
 * it; a relation whose tag the caller's grants do not cover fails the query.
 */
export function checkLakeFormationGrants(
  read: readonly { readonly name: string; readonly tag: string }[],
  readableTags: ReadonlySet<string>,
): string | undefined {
  const denied = read.find((r) => !readableTags.has(r.tag));
  if (!denied) return undefined;
  return `Insufficient Lake Formation permission(s) on ${denied.name} (tagged ${denied.tag}): a view's reader needs SELECT on the tables under it too (${DOCS.viewsLakeFormation})`;
}

/** Reading a relation that does not exist (a dropped table, a swap caught between its renames) fails. */
export function tableNotFound(name: string): string {
  return `TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.${name}' does not exist`;
}

/** The rules the local Athena enforces, by name, with their documentation. */
export const ENFORCED_RULES: readonly { readonly name: string; readonly doc: string }[] = [
  { name: 'checkQueryStringLength', doc: DOCS.queryStringLimit },
  { name: 'checkParametersStatementKind', doc: DOCS.parameterizedQueries },
  { name: 'checkParameterCount', doc: DOCS.parameterizedQueries },
  { name: 'checkParametersOnlyInWhere', doc: DOCS.parameterizedQueries },
  { name: 'checkDdlQuoting', doc: DOCS.reservedWords },
  { name: 'checkDmlQuoting', doc: DOCS.reservedWords },
  { name: 'checkDdlReservedWords', doc: DOCS.reservedWords },
  { name: 'checkRenameSource', doc: DOCS.icebergRename },
  { name: 'checkRenameTarget', doc: DOCS.icebergRename },
  { name: 'checkRenameIcebergOnly', doc: DOCS.icebergRename },
  { name: 'checkIcebergColumnTypes', doc: DOCS.icebergTypes },
  { name: 'checkPartitionsWritten', doc: DOCS.partitionLimit },
  { name: 'checkIcebergOnlyDml', doc: DOCS.icebergDml },
  { name: 'checkCtasLocationFree', doc: DOCS.ctasLocation },
  { name: 'checkUnloadTargetEmpty', doc: DOCS.unload },
  { name: 'checkLakeFormationGrants (when started with lakeFormation)', doc: DOCS.viewsLakeFormation },
  { name: 'dropIcebergDeletesData (catalog)', doc: DOCS.icebergDrop },
  { name: 'deletedRowsRetainedUntilVacuum (catalog)', doc: DOCS.vacuum },
  { name: 'icebergDataFiles (iceberg-table-files.ts: merge-on-read, OPTIMIZE, VACUUM)', doc: DOCS.vacuum },
  { name: 'approxPercentileIsApproximate (macro, local-athena-executor.ts)', doc: DOCS.approxPercentile },
];

/** Documented behaviour the local Athena does not emulate, and why. */
export const NOT_EMULATED: readonly { readonly rule: string; readonly doc: string; readonly why: string }[] =
  [
    {
      rule: 'Lake Formation grants by LF-Tag (tags set through the Lake Formation API, column exclusions)',
      doc: DOCS.viewsLakeFormation,
      why: 'the local Athena takes each relation’s tag from a function of its name and each workgroup’s readable tags (startLocalAthena’s lakeFormation option), not from Lake Formation; tests/infra/lake-formation-views.test.ts holds the synthesized grants against every view a transform leaves',
    },
    {
      rule: 'reserved words in SELECT statements must be double-quoted',
      doc: DOCS.reservedWords,
      why: 'left to DuckDB’s parser, whose reserved words overlap with Trino’s but are not the same list',
    },
    {
      rule: 'query latency, concurrency and throttling (TooManyRequestsException) of a real workgroup',
      doc: DOCS.errorCatalog,
      why: 'latency is a configurable fixed delay per statement; queueing and throttling are not modelled',
    },
  ];
