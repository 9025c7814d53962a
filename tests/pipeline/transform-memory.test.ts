import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { runPipeline } from '#src/pipeline/run-pipeline.ts';
import {
  landedBytes,
  memoryAmountBytes,
  transformMemoryNeeded,
  transformMemoryWarning,
} from '#src/pipeline/transform-memory.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';

let dir: string;
let store: LocalObjectStore;
const LANDED = 6 * 1024 * 1024;

/** A DuckDB memory limit `factor` times what a rebuild of LANDED bytes needs, in whole MB. */
const limitTimes = (factor: number) => `${Math.ceil((transformMemoryNeeded(LANDED) * factor) / 1e6)}MB`;

const configWith = (memoryLimit: string) =>
  parseConfig({
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit, threads: 1 },
    stateDir: join(dir, 'state'),
    simulator: { seed: 7, startDate: '2026-08-01', days: 2, ticketsPerDay: 10 },
  });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'transform-memory-'));
  store = new LocalObjectStore(join(dir, 'lake'));
  // Prepare: landed desk data of two streams (their bytes count); the CRM's and raw pages do not.
  await store.put(
    'landing/zendesk/ticket_events/dt=2026-08-01/run-000001.jsonl.gz',
    new Uint8Array(LANDED / 2),
  );
  await store.put('landing/zendesk/tickets/dt=2026-08-01/run-000001.jsonl.gz', new Uint8Array(LANDED / 2));
  await store.put('raw/zendesk/tickets/dt=2026-08-01/run-000001.json.gz', new Uint8Array(LANDED));
  await store.put('landing/hubspot/contacts/dt=2026-08-01/run-000001.jsonl.gz', new Uint8Array(LANDED));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the memory a transform of the landed data needs', () => {
  it('counts the desk’s landing files only', async () => {
    expect(await landedBytes(store)).toBe(LANDED);
  });

  it('reads memory amounts as DuckDB does: GB in powers of ten, GiB in powers of two', () => {
    expect(memoryAmountBytes('4GB')).toBe(4e9);
    expect(memoryAmountBytes('1.5 GiB')).toBe(1.5 * 1024 ** 3);
    expect(() => memoryAmountBytes('lots')).toThrow(/lots/);
  });

  it('grows with the landed data', () => {
    expect(transformMemoryNeeded(2 * LANDED)).toBeGreaterThan(transformMemoryNeeded(LANDED));
  });

  it('warns, naming the setting and both sizes, when the limit is below the estimate', () => {
    // Act
    const low = transformMemoryWarning(configWith(limitTimes(0.5)), LANDED);
    const enough = transformMemoryWarning(configWith(limitTimes(1.1)), LANDED);
    // Assess
    expect(low).toMatch(
      /engine\.memoryLimit \d+MB is below the ~\d+ MiB a full rebuild of the 6 MiB of landed desk data/,
    );
    expect(enough).toBeUndefined();
  });
});

describe('a run whose memory limit is too low for the landed data', () => {
  /** The lines a run prints before it stops at its first stage (the signal is already aborted). */
  async function linesOfRunWith(memoryLimit: string): Promise<string[]> {
    const lines: string[] = [];
    const stopped = new AbortController();
    stopped.abort();
    await runPipeline({
      config: configWith(memoryLimit),
      runId: 'run-1',
      env: { WAREHOUSE_HMAC_KEY: 'test-key-for-the-memory-warning' },
      signal: stopped.signal,
      log: (line) => lines.push(line),
    }).catch(() => undefined);
    return lines;
  }

  it('prints the warning before any stage runs', async () => {
    // Act
    const lines = await linesOfRunWith(limitTimes(0.5));
    // Assess
    const warning = lines.findIndex((l) => l.startsWith('transform: ⚠ engine.memoryLimit'));
    expect(warning).toBeGreaterThanOrEqual(0);
    expect(lines.slice(0, warning).filter((l) => l.startsWith('extract'))).toEqual([]);
  });

  it('prints no warning when the limit is enough', async () => {
    const lines = await linesOfRunWith(limitTimes(1.1));
    expect(lines.filter((l) => l.includes('⚠'))).toEqual([]);
    expect(lines.length).toBeGreaterThan(0);
  });
});
