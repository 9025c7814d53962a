import type { Command } from 'commander';
import { UsageError } from '#src/cli/cli-errors.ts';
import { untilInterrupted } from '#src/cli/until-interrupted.ts';
import { loadConfig } from '#src/config/warehouse-config.ts';
import { readCurrentPointer } from '#src/publish/read-publication.ts';
import { servePublication } from '#src/publish/serve-publication.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

/** `warehouse serve [--port]`: the published folder, read-only, on 127.0.0.1. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the current publication (dashboard, Parquet, CSV, manifest) read-only on 127.0.0.1')
    .option('-p, --port <port>', 'TCP port (0 = any free port)', '8080')
    .action(async (flags: { port: string }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new UsageError(`--port must be a whole number from 0 to 65535, got "${flags.port}"`);
      }
      const config = loadConfig(program.opts<{ config?: string }>().config);
      const store = createObjectStore(config.lake);
      const pointer = await readCurrentPointer(store);
      const server = await servePublication({ store, port });
      console.log(`serving ${store.uri('published')} at ${server.url}`);
      console.log(
        pointer
          ? `current publication: ${pointer.runId} (dashboard at ${server.url})`
          : 'no publication yet: run `warehouse run` or `warehouse publish`; the page appears once one exists',
      );
      console.log('press Ctrl+C to stop');
      await untilInterrupted();
      await server.close();
    });
}
