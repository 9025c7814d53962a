import type { QueryEngine, Row } from '#src/engines/query-engine.ts';
import {
  AccessDeniedError,
  checkStatement,
  STATEMENT_DIALECT,
} from '#src/governance/access/check-statement.ts';
import { loadRelationCatalog, type RelationCatalog } from '#src/governance/access/relation-catalog.ts';
import type { Role } from '#src/governance/access/role.ts';
import { sha256Hex } from '#src/governance/audit/audit-entry.ts';
import type { AuditLog } from '#src/governance/audit/audit-log.ts';
import type { StatementArchive } from '#src/governance/audit/statement-archive.ts';
import { type RoleBudget, roleBudgets } from './role-budget.ts';
import { SandboxHost } from './sandbox-host.ts';
import type { SandboxReply } from './sandbox-protocol.ts';

/** The local warehouse: a DuckDB file, queried only through the read-only sandbox process. */
export interface DuckDbRoleTarget {
  readonly database: string;
  /** Folders the warehouse's own views read (the local lake's `landing/`). */
  readonly allowedDirectories?: readonly string[];
}

export interface RunQueryAsRoleOptions {
  readonly audit: AuditLog;
  readonly role: Role;
  readonly sql: string;
  /** Who asks; defaults to the audit log's actor. */
  readonly actor?: string;
  /** Where the statement text is kept for compliance review; without one only its hash is kept. */
  readonly statements?: StatementArchive;
  /** Local path: the DuckDB warehouse file. */
  readonly duckdb?: DuckDbRoleTarget;
  /** A sandbox host to reuse across queries; one is started and stopped per call otherwise. */
  readonly sandbox?: SandboxHost;
  /** Overrides of the role's budget (`roleBudgets`). */
  readonly budget?: Partial<RoleBudget>;
  /**
   * AWS path: the engine the role's queries run on (Athena in the role's workgroup, where Lake
   * Formation grants enforce the policy; the statement is checked here first to refuse early).
   */
  readonly engine?: QueryEngine;
  /** A catalog already read (engine path only). */
  readonly catalog?: RelationCatalog;
  /** Folder of the SQL models, for view definitions in the Athena dialect (engine path only). */
  readonly sqlDir?: string;
  /** Schema / Athena database of the warehouse tables (engine path only). */
  readonly schema?: string;
  readonly signal?: AbortSignal;
}

/** What a query read: the relations it names, those reached through views, the columns scanned. */
export interface QueryAccess {
  readonly tables: readonly string[];
  readonly throughViews: readonly string[];
  readonly columns: readonly string[];
  readonly functionScans?: readonly string[];
}

export interface RoleQueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
  readonly access: QueryAccess;
  readonly statementHash: string;
  /** The role's row cap cut the result off. */
  readonly truncated: boolean;
  readonly bytesScanned?: number;
}

/** A statement that started but did not finish: a DuckDB error, an exhausted budget, a dead process. */
export class QueryFailedError extends Error {
  override readonly name = 'QueryFailedError';
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/**
 * Run a read-only statement as `role` and audit it, whatever happens.
 *
 * Locally (`duckdb`) the statement goes to a separate process holding a throw-away DuckDB instance
 * with the warehouse attached read-only, external access off and its configuration locked. There
 * DuckDB's own splitter must find exactly one statement, its binder a SELECT, and its parse tree
 * and physical plan name the relations and columns read; the access policy is checked against
 * those, and the statement runs within the role's time, memory and row budget.
 *
 * Every statement gets a chained `started` entry before anything runs and one outcome entry
 * (allowed, refused, failed or killed) naming what it read and the started entry; its text goes to
 * the compliance-only statement archive, referenced by hash.
 */
export async function runQueryAsRole(options: RunQueryAsRoleOptions): Promise<RoleQueryResult> {
  const { sql } = options;
  const statementHash = sha256Hex(sql);
  const archived = options.statements ? await options.statements.put(sql) : undefined;
  const reference = {
    statement_sha256: statementHash,
    ...(archived ? { statement_ref: archived.ref } : {}),
  };
  // Durable before anything runs, so a statement that brings this process down is on record; the
  // outcome entry names it.
  const start = await options.audit.append({
    actor: options.actor,
    role: options.role,
    action: 'query',
    target: 'statement',
    outcome: 'started',
    details: { ...reference, engine: options.duckdb ? 'duckdb' : (options.engine?.dialect ?? 'none') },
  });
  const statement = { ...reference, started_seq: start.seq };
  if (options.duckdb) return runInSandbox(options, options.duckdb, statementHash, statement);
  if (options.engine) return runOnEngine(options, options.engine, statementHash, statement);
  throw new Error('runQueryAsRole needs a DuckDB database file (duckdb) or a query engine (engine)');
}

async function runInSandbox(
  options: RunQueryAsRoleOptions,
  target: DuckDbRoleTarget,
  statementHash: string,
  statement: Record<string, string | number>,
): Promise<RoleQueryResult> {
  const { audit, role, sql } = options;
  const budget = { ...roleBudgets[role], ...options.budget };
  const host = options.sandbox ?? new SandboxHost();
  const base = { actor: options.actor, role };
  let reply: SandboxReply;
  try {
    reply = await host.query({
      database: target.database,
      allowedDirectories: target.allowedDirectories ?? [],
      budget,
      role,
      sql,
    });
  } catch (error) {
    // The sandbox could not take the statement (it did not start): nothing ran, but it is audited.
    await audit.append({
      ...base,
      action: 'query',
      target: 'statement',
      outcome: 'failure',
      details: { ...statement, engine: 'duckdb', error: 'sandbox_unavailable' },
    });
    throw new QueryFailedError((error as Error).message, 'sandbox_unavailable');
  } finally {
    if (!options.sandbox) await host.close();
  }
  const readDetails = (access: QueryAccess | undefined) =>
    access
      ? {
          tables: [...access.tables],
          through_views: [...access.throughViews],
          columns: [...access.columns],
          function_scans: [...(access.functionScans ?? [])],
        }
      : {};
  switch (reply.kind) {
    case 'denied':
      await audit.append({
        ...base,
        action: 'query.denied',
        target: reply.table ?? 'statement',
        outcome: 'denied',
        details: {
          ...statement,
          engine: 'duckdb',
          rule: reply.rule,
          ...(reply.table ? { table: reply.table } : {}),
          ...(reply.column ? { column: reply.column } : {}),
        },
      });
      throw new AccessDeniedError(role, reply.rule, reply.table, reply.column, reply.message, true);
    case 'ok':
      await audit.append({
        ...base,
        action: 'query',
        target: targetOf(reply.access),
        outcome: 'success',
        counts: {
          rows: reply.rows.length,
          tables: reply.access.tables.length,
          columns: reply.access.columns.length,
          ms: reply.ms,
        },
        details: { ...statement, engine: 'duckdb', ...readDetails(reply.access), truncated: reply.truncated },
      });
      return {
        columns: reply.columns,
        rows: reply.rows,
        access: reply.access,
        statementHash,
        truncated: reply.truncated,
      };
    case 'failed':
    case 'killed': {
      const reason = reply.kind === 'killed' ? `killed:${reply.reason}` : (reply.budget ?? reply.error);
      await audit.append({
        ...base,
        action: 'query',
        target: reply.access ? targetOf(reply.access) : 'statement',
        outcome: 'failure',
        counts: { ms: reply.ms },
        details: { ...statement, engine: 'duckdb', ...readDetails(reply.access), error: reason },
      });
      throw new QueryFailedError(reply.message, reason);
    }
  }
}

async function runOnEngine(
  options: RunQueryAsRoleOptions,
  engine: QueryEngine,
  statementHash: string,
  statement: Record<string, string | number>,
): Promise<RoleQueryResult> {
  const { audit, role, sql } = options;
  const catalog =
    options.catalog ??
    (await loadRelationCatalog(engine, { schema: options.schema, sqlDir: options.sqlDir }));
  let access: QueryAccess;
  try {
    access = checkStatement(sql, role, catalog);
  } catch (error) {
    await audit.append({
      actor: options.actor,
      role,
      action: 'query.denied',
      target: error instanceof AccessDeniedError ? (error.table ?? 'statement') : 'statement',
      outcome: 'denied',
      details: {
        ...statement,
        engine: engine.dialect,
        dialect: STATEMENT_DIALECT,
        ...(error instanceof AccessDeniedError
          ? {
              rule: error.rule,
              ...(error.table ? { table: error.table } : {}),
              ...(error.column ? { column: error.column } : {}),
            }
          : { error: (error as Error).name }),
      },
    });
    throw error;
  }
  const details = {
    ...statement,
    engine: engine.dialect,
    dialect: STATEMENT_DIALECT,
    tables: [...access.tables],
    through_views: [...access.throughViews],
    columns: [...access.columns],
  };
  const target = targetOf(access);
  try {
    const result = await engine.execute(sql, { signal: options.signal });
    await audit.append({
      actor: options.actor,
      role,
      action: 'query',
      target,
      outcome: 'success',
      counts: {
        rows: result.rows.length,
        tables: access.tables.length,
        ...(result.bytesScanned !== undefined ? { bytes_scanned: result.bytesScanned } : {}),
      },
      details,
    });
    return { ...result, access, statementHash, truncated: false };
  } catch (error) {
    await audit.append({
      actor: options.actor,
      role,
      action: 'query',
      target,
      outcome: 'failure',
      details: { ...details, error: (error as Error).name },
    });
    throw error;
  }
}

function targetOf(access: QueryAccess): string {
  return access.tables.join(',') || 'statement';
}
