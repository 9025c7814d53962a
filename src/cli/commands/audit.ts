import type { Command } from 'commander';
import { UsageError } from '#src/cli/cli-errors.ts';
import { loadConfig } from '#src/config/warehouse-config.ts';
import type { AuditEntry } from '#src/governance/audit/audit-entry.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';

/** `warehouse audit verify` and `warehouse audit show [--tail N]`. */
export function register(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('verify')
    .description('prove the hash chain intact, or name the first broken entry (exit code 3)')
    .action(async () => {
      const log = createAuditLog(loadConfig(program.opts().config));
      const result = await log.verify();
      if (result.ok) {
        console.log(`audit log ${result.location}: intact, ${result.entries} entries`);
        if (result.head) console.log(`head: seq ${result.head.seq} sha256 ${result.head.hash}`);
        if (result.unanchored > 0)
          console.log(
            `note: ${result.unanchored} entries after the head anchor (a writer stopped before moving it)`,
          );
        return;
      }
      console.error(`audit log ${result.location}: BROKEN after ${result.entries} intact entries`);
      console.error(`first broken entry: seq ${result.broken.seq} at ${result.broken.location}`);
      console.error(`reason: ${result.broken.reason}`);
      process.exitCode = 3;
    });

  audit
    .command('show')
    .description('print the last entries')
    .option('--tail <n>', 'how many entries', '20')
    .option('--json', 'one JSON entry per line')
    .action(async (options: { tail: string; json?: boolean }) => {
      const n = Number.parseInt(options.tail, 10);
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--tail must be a positive whole number, got "${options.tail}"`);
      const log = createAuditLog(loadConfig(program.opts().config));
      const entries = await log.tail(n);
      for (const entry of entries) console.log(options.json ? JSON.stringify(entry) : formatEntry(entry));
      if (!options.json) console.log(`${entries.length} entries from ${log.location}`);
    });
}

function formatEntry(entry: AuditEntry): string {
  const counts = Object.entries(entry.counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    String(entry.seq).padStart(6),
    entry.time,
    `${entry.actor}/${entry.role}`,
    entry.action,
    entry.outcome,
    entry.target,
    counts,
  ]
    .filter(Boolean)
    .join('  ');
}
