import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import {
  entities,
  extractedIds,
  freshLake,
  removeLakes,
  startSmallSimulator,
  truthIds,
} from '#tests/extract/extraction-harness.ts';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await removeLakes();
});

/** `warehouse extract` in its own process; resolves with its exit (code or signal) and page lines seen. */
function extractProcess(
  configFile: string,
  env: NodeJS.ProcessEnv,
  killAfterPages?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; pages: number }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', '-c', configFile, 'extract'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let pages = 0;
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (/: page \d+,/.test(line)) pages += 1;
        // SIGKILL: no handler runs, writes in flight are cut wherever they are.
        if (killAfterPages !== undefined && pages >= killAfterPages) child.kill('SIGKILL');
      }
    });
    child.stderr?.resume();
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, pages }));
  });
}

/**
 * Each of the four `warehouse extract` processes starts tsx and the CLI (a few seconds on a busy
 * machine) and then reads a small world; a minute each is ample even with both cores taken.
 */
const perProcessBudgetMs = 60_000;
const processes = 4;

describe('warehouse extract killed with SIGKILL', () => {
  it(
    'loses nothing: restarted after each kill, it ends with every record of the window',
    async () => {
      // Prepare: the sources at a simulator's URLs, credentials in the environment as in production.
      sim = await startSmallSimulator({ serverErrorRate: 0.05 }, { days: 2, ticketsPerDay: 15 });
      const { root } = await freshLake();
      const retry = { baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 2000, maxRetries: 12 };
      const config = {
        lake: { kind: 'local', root: join(root, 'lake') },
        stateDir: join(root, 'state'),
        sources: {
          zendesk: {
            baseUrl: sim.zendeskUrl,
            perPage: 25,
            listPageSize: 10,
            requestsPerMinute: 100000,
            apiRequestsPerMinute: 100000,
            retry,
          },
          hubspot: {
            baseUrl: sim.hubspotUrl,
            pageSize: 20,
            listPageSize: 10,
            requestsPer10s: 100000,
            searchRequestsPerSecond: 100000,
            retry,
          },
        },
      };
      const configFile = join(root, 'warehouse.json');
      await writeFile(configFile, JSON.stringify(config));
      const env = {
        ZENDESK_EMAIL: sim.credentials.zendeskEmail,
        ZENDESK_API_TOKEN: sim.credentials.zendeskToken,
        HUBSPOT_ACCESS_TOKEN: sim.credentials.hubspotToken,
        WAREHOUSE_HMAC_KEY: 'process-kill-test-key-0123456789',
      };
      const truth = await truthIds(sim);
      // Act
      const killed = [];
      for (const after of [3, 9, 20]) killed.push(await extractProcess(configFile, env, after));
      const final = await extractProcess(configFile, env);
      // Assess
      expect(killed.map((k) => k.signal)).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL']);
      expect(final.code).toBe(0);
      const landed = await extractedIds(new LocalObjectStore(join(root, 'lake')));
      for (const entity of entities)
        expect({ entity, ids: landed[entity] }).toEqual({ entity, ids: truth[entity] });
    },
    processes * perProcessBudgetMs,
  );
});
