import type { QueryEngine, QueryResult } from '#src/engines/query-engine.ts';
import {
  AccessDeniedError,
  checkStatement,
  STATEMENT_DIALECT,
  type StatementAccess,
} from '#src/governance/access/check-statement.ts';
import { loadRelationCatalog, type RelationCatalog } from '#src/governance/access/relation-catalog.ts';
import type { Role } from '#src/governance/access/role.ts';
import { sha256Hex } from '#src/governance/audit/audit-entry.ts';
import type { AuditLog } from '#src/governance/audit/audit-log.ts';

export interface RunQueryAsRoleOptions {
  readonly engine: QueryEngine;
  readonly audit: AuditLog;
  readonly role: Role;
  readonly sql: string;
  /** Who asks; defaults to the audit log's actor. */
  readonly actor?: string;
  /** A catalog already read (tests, repeated queries); read from the engine when absent. */
  readonly catalog?: RelationCatalog;
  /** Folder of the SQL models, for view definitions in the Athena dialect. */
  readonly sqlDir?: string;
  /** Schema / Athena database of the warehouse tables. */
  readonly schema?: string;
  readonly signal?: AbortSignal;
}

export interface RoleQueryResult extends QueryResult {
  readonly access: StatementAccess;
  readonly statementHash: string;
}

/**
 * Run a read-only statement as `role`: resolve what it reads, refuse (AccessDeniedError) what the
 * role may not read, else run it. Every allowed and refused statement is audited with its hash
 * (the text is not kept: it may quote personal data in a WHERE clause), the tables and the outcome.
 */
export async function runQueryAsRole(options: RunQueryAsRoleOptions): Promise<RoleQueryResult> {
  const { engine, audit, role, sql } = options;
  const statementHash = sha256Hex(sql.trim());
  let access: StatementAccess;
  try {
    const catalog =
      options.catalog ??
      (await loadRelationCatalog(engine, { schema: options.schema, sqlDir: options.sqlDir }));
    access = checkStatement(sql, role, catalog);
  } catch (error) {
    if (!(error instanceof AccessDeniedError)) {
      // The checker or the catalog crashed on this statement: still a query someone asked, audited.
      await audit.append({
        actor: options.actor,
        role,
        action: 'query',
        target: 'statement',
        outcome: 'failure',
        details: {
          statement_sha256: statementHash,
          dialect: STATEMENT_DIALECT,
          error: (error as Error)?.name ?? 'Error',
        },
      });
    }
    if (error instanceof AccessDeniedError) {
      await audit.append({
        actor: options.actor,
        role,
        action: 'query.denied',
        target: error.table ?? 'statement',
        outcome: 'denied',
        details: {
          statement_sha256: statementHash,
          dialect: STATEMENT_DIALECT,
          rule: error.rule,
          ...(error.table ? { table: error.table } : {}),
          ...(error.column ? { column: error.column } : {}),
        },
      });
    }
    throw error;
  }
  const details = {
    statement_sha256: statementHash,
    dialect: STATEMENT_DIALECT,
    tables: [...access.tables],
    through_views: [...access.throughViews],
  };
  const target = access.tables.join(',') || 'statement';
  // Durable before the engine runs it, so a statement that brings the process down is on record.
  const start = await audit.append({
    actor: options.actor,
    role,
    action: 'query',
    target,
    outcome: 'started',
    details,
  });
  Object.assign(details, { started_seq: start.seq });
  let result: QueryResult;
  try {
    result = await engine.execute(sql, { signal: options.signal });
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
  return { ...result, access, statementHash };
}
