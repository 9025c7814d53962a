import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '#src/cli/cli-errors.ts';
import { loadConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import { roleSchema } from '#src/governance/access/role.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { checkExportRequest, exportCompliance } from '#src/governance/export/export-compliance.ts';
import { resolveHmacKey } from '#src/privacy/resolve-hmac-key.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

/** `warehouse export --customer EMAIL | --from D --to D`: the compliance export. */
export function register(program: Command): void {
  program
    .command('export')
    .description(
      'write everything retained about a customer (or a period) as CSV and Parquet; compliance role only',
    )
    .option('--customer <email>', 'the customer, by e-mail (found through its customer key)')
    .option('--from <date>', 'start of the period, YYYY-MM-DD (inclusive)')
    .option('--to <date>', 'end of the period, YYYY-MM-DD (exclusive)')
    .option('-r, --role <role>', 'the role asking', 'compliance')
    .option('--as <actor>', 'who is asking, for the audit log (default: the OS user)')
    .option('-o, --out <dir>', 'output folder (default: <stateDir>/exports/<timestamp>)')
    .action(
      async (options: {
        customer?: string;
        from?: string;
        to?: string;
        role: string;
        as?: string;
        out?: string;
      }) => {
        const role = roleSchema.safeParse(options.role);
        if (!role.success)
          throw new UsageError(
            `--role must be one of ${roleSchema.options.join(', ')}, got "${options.role}"`,
          );
        // Before anything is opened or written (not even the local HMAC key).
        checkExportRequest({ customerEmail: options.customer, from: options.from, to: options.to });
        const config = loadConfig(program.opts<{ config?: string }>().config);
        const store = createObjectStore(config.lake);
        const engine = await createQueryEngine(config, store);
        const audit = createAuditLog(config, { actor: options.as });
        const outDir =
          options.out ?? join(config.stateDir, 'exports', new Date().toISOString().replace(/[:.]/g, '-'));
        try {
          const hmacKey = options.customer
            ? (await resolveHmacKey({ envName: config.privacy.hmacKeyEnv, stateDir: config.stateDir })).key
            : undefined;
          console.log(`compliance export to ${outDir}`);
          const result = await exportCompliance({
            engine,
            audit,
            role: role.data,
            actor: options.as,
            outDir,
            customerEmail: options.customer,
            from: options.from,
            to: options.to,
            hmacKey,
            onProgress: (line) => console.log(line),
          });
          console.log(
            `exported ${result.totals.rows} rows from ${result.totals.tables} tables into ${result.totals.files} files; ` +
              `manifest with checksums: ${result.manifest}; audited in ${audit.location}`,
          );
        } finally {
          await engine.close();
        }
      },
    );
}
