/**
 * The role-query sandbox process (started by `sandbox-host.ts`, never by hand). It answers one
 * request at a time: opens a throw-away read-only DuckDB sandbox, asks DuckDB what the statement
 * reads, checks that against the access policy, runs it within the role's budget and closes the
 * sandbox. Before running it tells the host what the plan reads, so a statement that kills this
 * process is still audited with what it was reading.
 */

import { ruleFor } from '#src/governance/access/access-policy.ts';
import {
  checkPlannedAccess,
  denyTextRows,
  type PlannedAccess,
  textRowChecks,
} from '#src/governance/access/check-plan.ts';
import { AccessDeniedError } from '#src/governance/access/check-statement.ts';
import { DuckDbRoleSandbox, StatementRejected } from './duckdb-role-sandbox.ts';
import type { SandboxReply, SandboxRequest } from './sandbox-protocol.ts';

export interface SandboxProgress {
  readonly kind: 'planned';
  readonly id: number;
  readonly access: PlannedAccess;
}

/** Answer one request: open, analyse, check, run, close. */
export async function answer(
  request: SandboxRequest,
  onPlanned: (progress: SandboxProgress) => void = () => {},
): Promise<SandboxReply> {
  const started = Date.now();
  const { id, role, sql, budget } = request;
  let sandbox: DuckDbRoleSandbox | undefined;
  let access: PlannedAccess | undefined;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    sandbox = await DuckDbRoleSandbox.open({
      database: request.database,
      allowedDirectories: request.allowedDirectories,
      budget,
      ...(request.tempRoot ? { tempRoot: request.tempRoot } : {}),
    });
    const box = sandbox;
    // An interrupt that lands before DuckDB starts the statement is lost: repeat it until done.
    timer = setTimeout(() => {
      timedOut = true;
      box.interrupt();
      timer = setInterval(() => box.interrupt(), 25);
    }, budget.timeoutMs);
    const analysis = await box.analyse(sql);
    access = checkPlannedAccess(role, analysis, box.catalog);
    for (const check of textRowChecks(role, access)) {
      const found = Number(await box.scalar(check.sql));
      if (found > 0) denyTextRows(role, check.table, check.columns[0]!, found);
    }
    onPlanned({ kind: 'planned', id, access });
    const result = await box.run(sql, budget.maxRows);
    if (timedOut) throw new Error('INTERRUPT Error: Interrupted!');
    return { kind: 'ok', id, ...result, access, ms: Date.now() - started };
  } catch (error) {
    if (error instanceof AccessDeniedError)
      return denied(id, error.message, error.rule, error.table, error.column);
    if (error instanceof StatementRejected)
      return denied(
        id,
        `Access denied for role ${role}: ${error.message}. Rule: ${ruleFor(role)}.`,
        ruleFor(role),
      );
    const message = String((error as Error)?.message ?? error)
      .split('\n')[0]!
      .slice(0, 300);
    const budgetHit = timedOut
      ? 'time'
      : /out of memory|temp directory|max_temp_directory_size/i.test(message)
        ? 'memory'
        : undefined;
    return {
      kind: 'failed',
      id,
      error: timedOut ? 'TimeBudgetExceeded' : ((error as Error)?.name ?? 'Error'),
      message: timedOut
        ? `the statement ran past the ${budget.timeoutMs} ms budget of role ${role} and was interrupted`
        : message,
      ...(budgetHit ? { budget: budgetHit } : {}),
      ...(access ? { access } : {}),
      ms: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
    clearInterval(timer);
    await sandbox?.close();
  }
}

function denied(id: number, message: string, rule: string, table?: string, column?: string): SandboxReply {
  return {
    kind: 'denied',
    id,
    message,
    rule,
    ...(table ? { table } : {}),
    ...(column ? { column } : {}),
  };
}

if (process.send) {
  let busy: Promise<void> = Promise.resolve();
  process.on('message', (request: SandboxRequest) => {
    busy = busy.then(async () => {
      const reply = await answer(request, (progress) => process.send?.(progress));
      process.send?.(reply);
    });
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ kind: 'ready' });
}
