import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, StatementType } from '@duckdb/node-api';
import { readRows } from '#src/engines/duckdb/duckdb-values.ts';
import type { Row } from '#src/engines/query-engine.ts';
import type { SandboxRelation, StatementAnalysis } from '#src/governance/access/check-plan.ts';
import { stripCreateView } from '#src/governance/access/relation-catalog.ts';
import type { RoleBudget } from './role-budget.ts';

/** The alias the warehouse file is attached under inside the sandbox. */
const WAREHOUSE = 'wh';

/**
 * Optimizers that would hide what a statement reads: filter pushdown moves a column into the scan's
 * filter, statistics can answer a predicate without reading (and then drop the table from the plan).
 * They are off for the whole sandbox, so the plan checked is the plan run.
 */
const DISABLED_OPTIMIZERS = 'filter_pushdown,statistics_propagation,empty_result_pullup,join_filter_pushdown';

/** A statement DuckDB itself would not take as one plain SELECT; becomes a refusal. */
export class StatementRejected extends Error {
  override readonly name = 'StatementRejected';
}

export interface SandboxRunResult {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
  readonly truncated: boolean;
}

export interface SandboxOptions {
  /** The warehouse database file, attached read-only. */
  readonly database: string;
  /** Folders the warehouse's own views may read (the lake's landing folder); nothing else. */
  readonly allowedDirectories?: readonly string[];
  readonly budget: RoleBudget;
  /** Where the instance's spill folder is made (default: the OS temp folder). */
  readonly tempRoot?: string;
}

/**
 * A throw-away DuckDB instance for one role query: in memory, the warehouse file attached
 * READ_ONLY, external access off (no file, URL, ATTACH, COPY or extension), its configuration
 * locked, and the role's memory, spill and thread budget set before the lock.
 */
export class DuckDbRoleSandbox {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly tempDir: string,
    readonly catalog: ReadonlyMap<string, SandboxRelation>,
  ) {}

  static async open(options: SandboxOptions): Promise<DuckDbRoleSandbox> {
    const tempDir = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'role-sandbox-'));
    const { budget } = options;
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: budget.memoryLimit,
      max_temp_directory_size: budget.maxTempDirectorySize,
      temp_directory: tempDir,
      threads: String(budget.threads),
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
    });
    const connection = await instance.connect();
    try {
      await connection.run(`ATTACH ${literal(options.database)} AS ${WAREHOUSE} (READ_ONLY)`);
      await connection.run(`USE ${WAREHOUSE}`);
      await connection.run("SET TimeZone = 'UTC'");
      await connection.run('SET integer_division = true');
      await connection.run(`SET disabled_optimizers = ${literal(DISABLED_OPTIMIZERS)}`);
      const allowed = (options.allowedDirectories ?? []).map((d) => literal(d.endsWith('/') ? d : `${d}/`));
      if (allowed.length > 0) await connection.run(`SET allowed_directories = [${allowed.join(', ')}]`);
      await connection.run('SET enable_external_access = false');
      await connection.run('SET lock_configuration = true');
      const catalog = await readCatalog(connection);
      return new DuckDbRoleSandbox(instance, connection, tempDir, catalog);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Ask DuckDB what `sql` is and reads: exactly one statement (its own splitter), a SELECT (its own
   * binder), the relations and table functions it names (its own parse tree), the views behind them,
   * and the tables and columns its physical plan scans.
   */
  async analyse(sql: string): Promise<StatementAnalysis> {
    const extracted = await this.connection.extractStatements(sql).catch((error: unknown) => {
      throw new StatementRejected(`DuckDB cannot parse the statement: ${firstLine(error)}`);
    });
    if (extracted.count !== 1)
      throw new StatementRejected(`exactly one statement is allowed, DuckDB reads ${extracted.count}`);
    const prepared = await extracted.prepare(0).catch((error: unknown) => {
      throw new StatementRejected(`DuckDB cannot bind the statement: ${firstLine(error)}`);
    });
    const type = prepared.statementType;
    prepared.destroySync();
    if (type !== StatementType.SELECT)
      throw new StatementRejected(`only SELECT statements may be run, DuckDB reads ${StatementType[type]}`);

    const tree = await this.parseTree(sql);
    const named = tree.relations;
    const views = new Map<string, string>();
    const throughViews = new Map<string, string>();
    const expand = async (name: string, chain: string, depth: number): Promise<void> => {
      const relation = this.catalog.get(name);
      if (relation?.kind !== 'view' || views.has(name) || depth > 32) return;
      views.set(name, chain);
      const inner = await this.parseTree(stripCreateView(relation.viewSql ?? ''));
      for (const r of inner.relations) {
        const child = r.name.toLowerCase();
        if (!throughViews.has(child)) throughViews.set(child, chain);
        await expand(child, `${chain} → ${child}`, depth + 1);
      }
    };
    for (const r of named) await expand(r.name.toLowerCase(), `view ${r.name.toLowerCase()}`, 0);

    const plan = await this.connection.runAndReadAll(`EXPLAIN (FORMAT JSON) ${sql}`);
    const physical = plan.getRowObjectsJS().find((r) => r.explain_key === 'physical_plan');
    const scans = new Map<string, Set<string>>();
    const foreignScans: string[] = [];
    const functionScans: string[] = [];
    walkPlan(JSON.parse(String(physical?.explain_value ?? '[]')), (node) => {
      const info = node.extra_info ?? {};
      const table = info.Table;
      if (typeof table === 'string') {
        const parts = table.split('.');
        const name = parts.at(-1)!.toLowerCase();
        if (parts.length !== 3 || parts[0] !== WAREHOUSE || parts[1] !== 'main') {
          foreignScans.push(table);
          return;
        }
        const columns = scans.get(name) ?? new Set<string>();
        for (const c of listOf(info.Projections)) columns.add(c.toLowerCase());
        // A filter left in the scan reads its columns too: every column of the table it mentions.
        const filters = listOf(info.Filters).join(' ').toLowerCase();
        for (const c of this.catalog.get(name)?.columns ?? [])
          if (new RegExp(`\\b${escapeRegExp(c)}\\b`).test(filters)) columns.add(c);
        scans.set(name, columns);
      } else if (typeof info.Function === 'string') {
        functionScans.push(info.Function.toUpperCase());
      }
    });
    return {
      named,
      tableFunctions: tree.tableFunctions,
      views,
      throughViews,
      scans,
      foreignScans,
      functionScans,
    };
  }

  /**
   * Run the (already analysed) statement as a prepared statement, streaming at most `maxRows`
   * rows; `interrupt()` from a timer stops it.
   */
  async run(sql: string, maxRows: number): Promise<SandboxRunResult> {
    const extracted = await this.connection.extractStatements(sql);
    if (extracted.count !== 1) throw new StatementRejected('exactly one statement is allowed');
    const prepared = await extracted.prepare(0);
    if (prepared.statementType !== StatementType.SELECT)
      throw new StatementRejected('only SELECT statements may be run');
    try {
      // One row more than the cap tells whether the result was cut off.
      const reader = await prepared.streamAndReadUntil(maxRows + 1);
      const { columns, rows } = readRows(reader);
      return { columns, rows: rows.slice(0, maxRows), truncated: rows.length > maxRows || !reader.done };
    } finally {
      prepared.destroySync();
    }
  }

  /** Run one of the warehouse's own checks (never a user's statement); the first column of the first row. */
  async scalar(sql: string): Promise<unknown> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRows()[0]?.[0];
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.tempDir, { recursive: true, force: true });
  }

  private async parseTree(sql: string): Promise<{
    relations: { catalog: string; schema: string; name: string }[];
    tableFunctions: string[];
  }> {
    const reader = await this.connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [
      sql,
    ]);
    const tree = JSON.parse(String(reader.getRowObjectsJS()[0]?.tree ?? '{}')) as {
      error?: boolean;
      error_message?: string;
      statements?: unknown[];
    };
    if (tree.error || !Array.isArray(tree.statements))
      throw new StatementRejected(
        `DuckDB cannot parse the statement: ${tree.error_message ?? 'unknown error'}`,
      );
    if (tree.statements.length !== 1)
      throw new StatementRejected(`exactly one statement is allowed, DuckDB reads ${tree.statements.length}`);
    const cteNames = new Set<string>();
    const relations: { catalog: string; schema: string; name: string }[] = [];
    const tableFunctions: string[] = [];
    walkTree(tree.statements, (node) => {
      const map = (node.cte_map as { map?: { key?: string }[] } | undefined)?.map;
      if (Array.isArray(map)) for (const entry of map) if (entry.key) cteNames.add(entry.key.toLowerCase());
      if (node.type === 'BASE_TABLE')
        relations.push({
          catalog: String(node.catalog_name ?? ''),
          schema: String(node.schema_name ?? ''),
          name: String(node.table_name ?? ''),
        });
      if (node.type === 'TABLE_FUNCTION') {
        const fn = node.function as { function_name?: string; schema?: string; catalog?: string } | undefined;
        tableFunctions.push(
          [fn?.catalog, fn?.schema, fn?.function_name ?? '?'].filter(Boolean).join('.').toLowerCase(),
        );
      }
    });
    return {
      relations: relations.filter(
        (r) => r.catalog !== '' || r.schema !== '' || !cteNames.has(r.name.toLowerCase()),
      ),
      tableFunctions,
    };
  }
}

async function readCatalog(connection: DuckDBConnection): Promise<Map<string, SandboxRelation>> {
  const columns = await connection.runAndReadAll(
    `SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = '${WAREHOUSE}' AND schema_name = 'main' ORDER BY table_name, column_index`,
  );
  const views = await connection.runAndReadAll(
    `SELECT view_name, sql FROM duckdb_views() WHERE database_name = '${WAREHOUSE}' AND schema_name = 'main' AND NOT internal`,
  );
  const viewSql = new Map(
    views
      .getRowObjectsJS()
      .map((r): [string, string] => [String(r.view_name).toLowerCase(), String(r.sql ?? '')]),
  );
  const catalog = new Map<string, SandboxRelation>();
  const byName = new Map<string, string[]>();
  for (const row of columns.getRowObjectsJS()) {
    const name = String(row.table_name).toLowerCase();
    const list = byName.get(name) ?? [];
    list.push(String(row.column_name).toLowerCase());
    byName.set(name, list);
  }
  for (const [name, cols] of byName) {
    const sql = viewSql.get(name);
    catalog.set(name, {
      name,
      kind: sql === undefined ? 'table' : 'view',
      columns: cols,
      ...(sql === undefined ? {} : { viewSql: sql }),
    });
  }
  return catalog;
}

interface PlanNode {
  readonly name?: string;
  readonly children?: PlanNode[];
  readonly extra_info?: Record<string, unknown>;
}

function walkPlan(nodes: unknown, visit: (node: PlanNode) => void): void {
  if (!Array.isArray(nodes)) return;
  for (const node of nodes as PlanNode[]) {
    visit(node);
    walkPlan(node.children, visit);
  }
}

function walkTree(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const item of node) walkTree(item, visit);
  else if (node !== null && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const value of Object.values(node)) walkTree(value, visit);
  }
}

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((s) => s !== '');
  if (typeof value === 'string' && value !== '') return [value];
  return [];
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')[0]!
    .slice(0, 300);
}
