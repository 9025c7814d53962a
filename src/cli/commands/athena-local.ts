import type { Command } from 'commander';
import { untilInterrupted } from '#src/cli/until-interrupted.ts';
import { NOT_EMULATED } from '#src/engines/athena/local/athena-rules.ts';
import { startLocalAthena } from '#src/engines/athena/local/start-local-athena.ts';

/**
 * `warehouse athena-local`: a local Athena on 127.0.0.1 (the Athena API over DuckDB, enforcing
 * engine v3's documented rules), so the CLI's Athena engine can run against it before AWS.
 */
export function register(program: Command): void {
  program
    .command('athena-local')
    .description(
      'Run a local Athena on 127.0.0.1 (Athena API over DuckDB, engine v3 rules enforced) for an `engine: athena` configuration to point at',
    )
    .option('-p, --port <port>', 'TCP port (0 = any free port)', '4566')
    .option('--s3-endpoint <url>', 'S3 endpoint holding the lake (e.g. an s3rver or MinIO on loopback)')
    .option('--latency-ms <ms>', 'time each statement spends RUNNING, to feel Athena’s pace', '0')
    .option('-v, --verbose', 'print every statement and its outcome')
    .action(async (flags: { port: string; s3Endpoint?: string; latencyMs: string; verbose?: boolean }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535)
        throw new Error(`--port must be a whole number from 0 to 65535, got "${flags.port}"`);
      const latencyMs = Number(flags.latencyMs);
      if (!Number.isInteger(latencyMs) || latencyMs < 0)
        throw new Error(`--latency-ms must be a whole number of milliseconds ≥ 0, got "${flags.latencyMs}"`);
      if (flags.s3Endpoint !== undefined && !URL.canParse(flags.s3Endpoint))
        throw new Error(`--s3-endpoint must be a URL, got "${flags.s3Endpoint}"`);
      const athena = await startLocalAthena({
        port,
        latencyMs,
        s3Endpoint: flags.s3Endpoint,
        s3Credentials:
          process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY
            ? {
                accessKeyId: process.env.AWS_ACCESS_KEY_ID,
                secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
              }
            : undefined,
        onStatement: flags.verbose
          ? (e) =>
              console.log(
                `${e.state.padEnd(9)} ${e.engineMs} ms  ${e.sql.replaceAll(/\s+/g, ' ').slice(0, 120)}` +
                  (e.error ? `\n          ${e.error}` : ''),
              )
          : undefined,
      });
      console.log(
        `local Athena at ${athena.endpoint}${flags.s3Endpoint ? ` (lake on ${flags.s3Endpoint})` : ' (no S3: external tables read nothing, UNLOAD fails)'}`,
      );
      console.log(
        `point the CLI at it: "engine": { "kind": "athena", "endpoint": "${athena.endpoint}", "region": "us-east-1", ` +
          '"workgroup": "local", "database": "support_kpi", "curatedLocation": "s3://<bucket>/curated/" } ' +
          '(any AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY will do)',
      );
      console.log(`not emulated: ${NOT_EMULATED.map((n) => n.rule).join('; ')}`);
      console.log('press Ctrl+C to stop');
      await untilInterrupted();
      console.log(`stopping after ${athena.statementCount()} statements`);
      await athena.close();
    });
}
