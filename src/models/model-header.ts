import { type DataTestDeclaration, parseDataTest } from './data-test-declaration.ts';

export type Materialization = 'view' | 'table' | 'incremental';

/**
 * How an incremental model's delta lands: `merge` upserts on the unique key; `replace_partitions`
 * makes every partition present in the delta hold exactly the delta's rows (rows of those
 * partitions the delta no longer has are deleted), for marts recomputed whole month by month.
 * On a full refresh such a model keeps the partitions the refresh no longer produces (aggregates of
 * periods whose source rows retention deleted), unless its columns changed.
 */
export type IncrementalStrategy = 'merge' | 'replace_partitions';

export interface ModelHeader {
  readonly materialized: Materialization;
  readonly uniqueKey: readonly string[];
  readonly partitionBy?: string;
  readonly incrementalStrategy: IncrementalStrategy;
  /**
   * A column that orders versions of a row (`updated_at`, `generated_timestamp`): a MERGE keeps the
   * stored row when the delta's is older, so a late or re-read older version never wins.
   */
  readonly versionColumn?: string;
  readonly description: string;
  readonly tests: readonly DataTestDeclaration[];
  /**
   * Column docs, `-- column: <name>: <description>` (one line per column), in header order: what
   * the data dictionary, the Glue column comments and the publication manifest say of a column.
   */
  readonly columns?: ReadonlyMap<string, string>;
  /** Number of header lines (the SQL body starts after them). */
  readonly lines: number;
}

/** A model file's header is missing a field or holds a bad value. */
export class ModelHeaderError extends Error {
  override readonly name = 'ModelHeaderError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(
      `${file}:${line}: ${problem}\n` +
        'A model starts with `-- materialized: view | table | incremental`, `-- description: …`, and for incremental ' +
        'models `-- unique_key: col[, col]`; optionally `-- partition_by: col`, `-- incremental_strategy: merge | ' +
        'replace_partitions`, `-- version_column: col`, `-- test: …` and `-- column: name: description` lines.',
    );
  }
}

const KEYS = new Set([
  'materialized',
  'unique_key',
  'partition_by',
  'incremental_strategy',
  'version_column',
  'description',
  'test',
  'column',
]);
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Parse the leading `-- key: value` comment lines of a model. Other leading comment lines (no
 * `key:` form) are free text; an unknown key is refused so a typo (`materialised`) cannot pass
 * silently.
 */
export function parseModelHeader(text: string, file: string): ModelHeader {
  const lines = text.split('\n');
  const seen = new Map<string, { value: string; line: number }>();
  const tests: DataTestDeclaration[] = [];
  const columns = new Map<string, string>();
  let count = 0;
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') {
      count = index + 1;
      continue;
    }
    if (!line.startsWith('--')) break;
    count = index + 1;
    const match = /^--\s*([a-z_]+)\s*:\s*(.*)$/i.exec(line);
    if (!match) continue;
    const key = (match[1] ?? '').toLowerCase();
    const value = (match[2] ?? '').trim();
    if (!KEYS.has(key)) {
      throw new ModelHeaderError(
        file,
        index + 1,
        `unknown header field "${key}" (known: ${[...KEYS].join(', ')})`,
      );
    }
    if (key === 'test') {
      tests.push(parseDataTest(value, file, index + 1));
      continue;
    }
    if (key === 'column') {
      const [name, description] = parseColumnDoc(value, file, index + 1);
      if (columns.has(name)) {
        throw new ModelHeaderError(file, index + 1, `column "${name}" is documented twice`);
      }
      columns.set(name, description);
      continue;
    }
    if (seen.has(key)) throw new ModelHeaderError(file, index + 1, `header field "${key}" is given twice`);
    seen.set(key, { value, line: index + 1 });
  }

  const materialized = seen.get('materialized');
  if (!materialized) throw new ModelHeaderError(file, 1, 'missing `-- materialized:` header line');
  if (!['view', 'table', 'incremental'].includes(materialized.value)) {
    throw new ModelHeaderError(
      file,
      materialized.line,
      `materialized must be view, table or incremental, not "${materialized.value}"`,
    );
  }
  const kind = materialized.value as Materialization;
  const description = seen.get('description');
  if (!description || description.value === '') {
    throw new ModelHeaderError(
      file,
      1,
      'missing `-- description:` header line (one line saying what a row is)',
    );
  }

  const uniqueKeyLine = seen.get('unique_key');
  const uniqueKey = uniqueKeyLine
    ? uniqueKeyLine.value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : [];
  if (kind === 'incremental' && uniqueKey.length === 0) {
    throw new ModelHeaderError(
      file,
      materialized.line,
      'an incremental model needs `-- unique_key: col[, col]`',
    );
  }
  if (kind !== 'incremental' && uniqueKeyLine) {
    throw new ModelHeaderError(file, uniqueKeyLine.line, 'unique_key applies to incremental models only');
  }
  for (const key of uniqueKey) {
    if (!IDENTIFIER.test(key)) {
      throw new ModelHeaderError(file, uniqueKeyLine?.line ?? 1, `unique_key "${key}" is not a column name`);
    }
  }

  const partitionLine = seen.get('partition_by');
  if (partitionLine) {
    if (kind === 'view') throw new ModelHeaderError(file, partitionLine.line, 'a view cannot be partitioned');
    if (!IDENTIFIER.test(partitionLine.value)) {
      throw new ModelHeaderError(
        file,
        partitionLine.line,
        `partition_by "${partitionLine.value}" is not one column name`,
      );
    }
  }

  const strategyLine = seen.get('incremental_strategy');
  const incrementalStrategy = (strategyLine?.value ?? 'merge') as IncrementalStrategy;
  if (strategyLine) {
    if (kind !== 'incremental') {
      throw new ModelHeaderError(
        file,
        strategyLine.line,
        'incremental_strategy applies to incremental models only',
      );
    }
    if (!['merge', 'replace_partitions'].includes(strategyLine.value)) {
      throw new ModelHeaderError(
        file,
        strategyLine.line,
        `incremental_strategy must be merge or replace_partitions, not "${strategyLine.value}"`,
      );
    }
    if (incrementalStrategy === 'replace_partitions' && !partitionLine) {
      throw new ModelHeaderError(
        file,
        strategyLine.line,
        'incremental_strategy replace_partitions needs `-- partition_by: col` (the partitions it replaces)',
      );
    }
  }

  const versionLine = seen.get('version_column');
  if (versionLine) {
    if (kind !== 'incremental') {
      throw new ModelHeaderError(file, versionLine.line, 'version_column applies to incremental models only');
    }
    if (!IDENTIFIER.test(versionLine.value)) {
      throw new ModelHeaderError(
        file,
        versionLine.line,
        `version_column "${versionLine.value}" is not one column name`,
      );
    }
    if (incrementalStrategy === 'replace_partitions') {
      throw new ModelHeaderError(
        file,
        versionLine.line,
        'version_column does not apply to replace_partitions (the delta replaces whole partitions)',
      );
    }
  }

  return {
    materialized: kind,
    uniqueKey,
    partitionBy: partitionLine?.value,
    incrementalStrategy,
    versionColumn: versionLine?.value,
    description: description.value,
    tests,
    columns,
    lines: count,
  };
}

/** `name: description` of a `-- column:` line; the name must be a column name and the description non-empty. */
function parseColumnDoc(value: string, file: string, line: number): [string, string] {
  const match = /^([^:\s]+)\s*:\s*(.*)$/.exec(value);
  const name = (match?.[1] ?? '').toLowerCase();
  const description = (match?.[2] ?? '').trim();
  if (!match || !IDENTIFIER.test(name)) {
    throw new ModelHeaderError(
      file,
      line,
      `column doc "${value}" does not start with a column name and a colon`,
    );
  }
  if (description === '') throw new ModelHeaderError(file, line, `column "${name}" has an empty description`);
  return [name, description];
}
