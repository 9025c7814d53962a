import type { Command } from 'commander';
import { UsageError } from '#src/cli/cli-errors.ts';
import { loadConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { runRetention } from '#src/governance/retention/run-retention.ts';
import { acquireRunLock } from '#src/pipeline/run-lock.ts';
import { resolveHmacKey } from '#src/privacy/resolve-hmac-key.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

/** `warehouse retention [--dry-run]`: list, then delete, what is past its retention window. */
export function register(program: Command): void {
  program
    .command('retention')
    .description(
      'delete what is past its retention window in every layer (legal holds respected, KPI marts kept)',
    )
    .option('--dry-run', 'list and count only; delete nothing', false)
    .option('--now <iso>', 'measure ages against this time instead of the clock (e.g. 2028-08-01)')
    .action(async (options: { dryRun: boolean; now?: string }) => {
      const now = options.now ? new Date(options.now) : new Date();
      if (Number.isNaN(now.getTime()))
        throw new UsageError(`--now must be an ISO date or time, got "${options.now}"`);
      const config = loadConfig(program.opts<{ config?: string }>().config);
      const store = createObjectStore(config.lake);
      const lock = await acquireRunLock(config.stateDir, 'warehouse retention');
      const engine = await createQueryEngine(config, store).catch(async (error: unknown) => {
        await lock.release();
        throw error;
      });
      const audit = createAuditLog(config);
      const { key } = await resolveHmacKey({ envName: config.privacy.hmacKeyEnv, stateDir: config.stateDir });
      try {
        // Audited before anything is judged or deleted; a killed retention leaves this `started` entry.
        const report = await audit.record(
          {
            role: 'pipeline',
            action: 'retention.run',
            target: options.dryRun ? 'dry-run' : 'all',
            details: { now: now.toISOString() },
          },
          () =>
            runRetention({
              config,
              store,
              engine,
              audit,
              now,
              dryRun: options.dryRun,
              hmacKey: key,
              onProgress: (line) => console.log(line),
            }),
          (r) => ({ rows_deleted: r.totals.rowsDeleted, objects_deleted: r.totals.objectsDeleted }),
        );
        const t = report.totals;
        console.log(
          `${report.dryRun ? 'dry run: would delete' : 'deleted'} ${t.rowsDeleted} rows and ${t.objectsDeleted} objects; ` +
            `${t.rewritten} objects rewritten to their held records; ${t.keptForHold} kept under legal hold; ` +
            `kept ${report.keptTables.length} aggregated/operational tables` +
            (report.skipped.length
              ? `; skipped ${report.skipped.map((s) => s.table).join(', ')} (no date column)`
              : ''),
        );
        if (report.damaged.length > 0)
          console.log(
            `${report.damaged.length} damaged file(s) named above were set aside (quarantine/damaged/) or deleted, and skipped`,
          );
        console.log(
          `KPI mart months before ${report.frozenBefore} are kept as computed; their facts are gone`,
        );
        console.log(`audited in ${audit.location}`);
      } finally {
        await engine.close();
        await lock.release();
      }
    });
}
