import type { Command } from 'commander';
import { UsageError } from '#src/cli/cli-errors.ts';
import { loadConfig } from '#src/config/warehouse-config.ts';
import { roleSchema } from '#src/governance/access/role.ts';
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
        if (result.anchor)
          console.log(
            result.anchor.head
              ? `external anchor ${result.anchor.location}: seq ${result.anchor.head.seq} matches`
              : `external anchor ${result.anchor.location}: not written yet`,
          );
        else console.log('note: no external anchor configured (governance.auditAnchorFile)');
        for (const location of result.acknowledged)
          console.log(`note: damaged record at ${location} was acknowledged by an operator (audited)`);
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
    .command('acknowledge')
    .description(
      'after investigating, let the log continue past a half-written last entry; the acknowledgement is itself audited',
    )
    .requiredOption('--reason <text>', 'what was found (e.g. "disk filled during run 2026-12-07T10:00")')
    .option('--as <actor>', 'who acknowledges, for the audit log (default: the OS user)')
    .option('-r, --role <role>', 'the role acknowledging', 'compliance')
    .action(async (options: { reason: string; as?: string; role: string }) => {
      const role = roleSchema.safeParse(options.role);
      if (!role.success)
        throw new Error(`--role must be one of ${roleSchema.options.join(', ')}, got "${options.role}"`);
      const log = createAuditLog(loadConfig(program.opts().config), { actor: options.as });
      const entry = await log.acknowledge({ actor: options.as, role: role.data, reason: options.reason });
      console.log(
        `acknowledged the damaged record at ${entry.target} (sha256 ${String(entry.details.damaged_sha256)}) ` +
          `in entry seq ${entry.seq}; appends continue`,
      );
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
