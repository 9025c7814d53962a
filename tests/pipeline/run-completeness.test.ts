import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type RunningSimulator, startSimulator } from '#simulator/start-simulator.ts';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import type { AuditEntry } from '#src/governance/audit/audit-entry.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { IncompleteRunError, runAlertFile } from '#src/pipeline/run-failure.ts';
import { type PipelineResult, runPipeline } from '#src/pipeline/run-pipeline.ts';
import { CURRENT_POINTER_KEY } from '#src/publish/publication-manifest.ts';
import { readCurrentPublication } from '#src/publish/read-publication.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';
import { startSourceProxy } from '#tests/pipeline/source-proxy.ts';
import { readCsvRows } from '#tests/publish/read-published.ts';

/*
 * A run is whole or it says so. A warehouse publishes a whole run from the bundled simulator; then
 * the same desk, served over real HTTP, breaks the ways real sources break — wrong credentials, the
 * source down, the source dying mid-run, a CRM endpoint answering 404 — and each run must fail
 * (IncompleteRunError → exit code 5), keep the previous publication current, audit and alert the
 * failure, and leave the next run to continue from the checkpoints.
 */
const simulator = { seed: 11, startDate: '2026-08-01', days: 3, ticketsPerDay: 25 };
const quickRetries = { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10, timeoutMs: 5_000 };
const unpaced = { zendesk: { requestsPerMinute: 1_000_000, apiRequestsPerMinute: 1_000_000 } };
const goodEnv = {
  WAREHOUSE_HMAC_KEY: 'test-key-for-completeness-only',
  ZENDESK_EMAIL: 'warehouse@example.com',
  ZENDESK_API_TOKEN: 'sim-zendesk-token',
  HUBSPOT_ACCESS_TOKEN: 'sim-hubspot-token',
};

let sim: RunningSimulator;

function warehouse(name: string, sources?: { zendesk?: string; hubspot?: string }): WarehouseConfig {
  const dir = mkdtempSync(join(tmpdir(), `completeness-${name}-`));
  return parseConfig({
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit: '1GB', threads: 1 },
    stateDir: join(dir, 'state'),
    simulator,
    ...(sources
      ? {
          sources: {
            zendesk: {
              baseUrl: sources.zendesk ?? sim.zendeskUrl,
              perPage: 20,
              retry: quickRetries,
              ...unpaced.zendesk,
            },
            hubspot: {
              baseUrl: sources.hubspot ?? sim.hubspotUrl,
              retry: quickRetries,
              requestsPer10s: 1_000_000,
              searchRequestsPerSecond: 1_000_000,
            },
          },
        }
      : {}),
  });
}

/** The same lake and state, pointed at other source URLs. */
function repoint(config: WarehouseConfig, sources: { zendesk?: string; hubspot?: string }): WarehouseConfig {
  const other = warehouse('repoint', sources);
  return { ...config, sources: other.sources };
}

async function currentPointerText(config: WarehouseConfig): Promise<string | undefined> {
  const bytes = await createObjectStore(config.lake).get(CURRENT_POINTER_KEY);
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
}

async function auditEntries(config: WarehouseConfig): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for await (const e of createAuditLog(config).entries()) entries.push(e);
  return entries;
}

async function freePortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function failedRun(config: WarehouseConfig, runId: string, env = goodEnv): Promise<Error> {
  const lines: string[] = [];
  const outcome = await runPipeline({
    config,
    runId,
    env,
    now: () => sim.clock.now(),
    log: (l) => lines.push(l),
  })
    .then(() => new Error('the run succeeded'))
    .catch((error: unknown) => error as Error);
  return Object.assign(outcome, { lines });
}

let existing: WarehouseConfig;
let baseline: PipelineResult;
let baselinePointer: string | undefined;

beforeAll(async () => {
  sim = await startSimulator({ ...simulator, fast: true });
  // Prepare: a warehouse whose first run was whole and is the current publication
  existing = warehouse('existing', {});
  baseline = await runPipeline({
    config: existing,
    runId: 'run-1',
    env: goodEnv,
    now: () => sim.clock.now(),
  });
  baselinePointer = await currentPointerText(existing);
}, 300_000);

afterAll(async () => {
  await sim?.close();
});

describe('a run whose source fails', () => {
  it('publishes the first whole run (the baseline the failures must keep)', () => {
    expect(baseline.extract.streams.every((s) => s.status === 'succeeded')).toBe(true);
    expect(baseline.publication?.manifest.completeness).toMatchObject({ complete: true, missing: [] });
    expect(baselinePointer).toContain('"run-1"');
  });

  it('with wrong credentials (401) fails, names the streams, and keeps the previous publication current', async () => {
    // Act
    const error = await failedRun(existing, 'run-401', { ...goodEnv, ZENDESK_API_TOKEN: 'wrong-token' });

    // Assess
    expect(error).toBeInstanceOf(IncompleteRunError);
    const missing = (error as IncompleteRunError).missing.map((m) => `${m.source}/${m.stream}`);
    expect(missing).toEqual(expect.arrayContaining(['zendesk/tickets', 'zendesk/ticket_events']));
    expect(missing.some((m) => m.startsWith('hubspot/'))).toBe(false);
    expect(error.message).toContain('401');
    expect(await currentPointerText(existing)).toBe(baselinePointer);
  });

  it('with the source down fails and keeps the previous publication current', async () => {
    const down = repoint(existing, { hubspot: await freePortUrl() });

    const error = await failedRun(down, 'run-down');

    expect(error).toBeInstanceOf(IncompleteRunError);
    expect((error as IncompleteRunError).missing.map((m) => `${m.source}/${m.stream}`).sort()).toEqual([
      'hubspot/contacts',
      'hubspot/survey_responses',
    ]);
    expect(await currentPointerText(existing)).toBe(baselinePointer);
  });

  it('with one CRM endpoint answering 404 fails instead of publishing every VIP tier as none', async () => {
    const proxy = await startSourceProxy({
      target: sim.hubspotUrl,
      intercept: (method, path) =>
        method === 'POST' && path === '/crm/v3/objects/contacts/search'
          ? { status: 404, body: { status: 'error', message: 'Not Found', category: 'OBJECT_NOT_FOUND' } }
          : undefined,
    });
    try {
      const error = await failedRun(repoint(existing, { hubspot: proxy.url }), 'run-404');

      expect(error).toBeInstanceOf(IncompleteRunError);
      expect((error as IncompleteRunError).missing.map((m) => `${m.source}/${m.stream}`)).toEqual([
        'hubspot/contacts',
      ]);
      expect(await currentPointerText(existing)).toBe(baselinePointer);
    } finally {
      await proxy.close();
    }
  });

  it('audits every failed run as a failure and alerts it to the run-alert file', async () => {
    const runs = (await auditEntries(existing)).filter(
      (e) => e.action === 'pipeline.run' && e.outcome !== 'started',
    );
    expect(runs.map((e) => [e.target, e.outcome])).toEqual([
      ['run-1', 'success'],
      ['run-401', 'failure'],
      ['run-down', 'failure'],
      ['run-404', 'failure'],
    ]);
    expect(runs[1]?.details?.error).toBe('IncompleteRunError');
    const alerts = readFileSync(runAlertFile(existing), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { runId: string; kind: string; missing: unknown[] });
    expect(alerts.map((a) => a.runId)).toEqual(['run-401', 'run-down', 'run-404']);
    expect(alerts.every((a) => a.kind === 'run-failed' && a.missing.length > 0)).toBe(true);
  });
});

describe('a partial publication, when asked for', () => {
  let partial: PipelineResult;

  beforeAll(async () => {
    const proxy = await startSourceProxy({
      target: sim.hubspotUrl,
      intercept: (method, path) =>
        method === 'POST' && path === '/crm/v3/objects/contacts/search'
          ? { status: 404, body: { status: 'error', message: 'Not Found', category: 'OBJECT_NOT_FOUND' } }
          : undefined,
    });
    try {
      partial = await runPipeline({
        config: repoint(existing, { hubspot: proxy.url }),
        runId: 'run-partial',
        env: goodEnv,
        now: () => sim.clock.now(),
        allowPartial: true,
      });
    } finally {
      await proxy.close();
    }
  }, 300_000);

  it('is published and its manifest names what is missing since the first failed run', async () => {
    const current = await readCurrentPublication(createObjectStore(existing.lake));
    expect(current.pointer.runId).toBe('run-partial');
    const completeness = current.manifest.completeness;
    expect(completeness?.complete).toBe(false);
    expect(completeness?.missing.map((m) => `${m.source}/${m.stream}`)).toEqual(['hubspot/contacts']);
    // The contacts stream has failed since run-down: "missing since" is that run's start, not this one's.
    const runDownStart = (await auditEntries(existing)).find(
      (e) => e.action === 'pipeline.stage' && e.target === 'run-down/extract',
    );
    expect(runDownStart).toBeDefined();
    expect(Date.parse(completeness!.missing[0]!.missingSince)).toBeLessThan(
      Date.parse(runDownStart!.time) + 1,
    );
    expect(completeness?.missing[0]?.lastSucceededAt).not.toBeNull();
    expect(partial.missingStreams).toHaveLength(1);
  });

  it('publishes publication_completeness with a missing row beside the complete ones', async () => {
    const store = createObjectStore(existing.lake);
    const current = await readCurrentPublication(store);
    const table = current.manifest.tables.find((t) => t.name === 'publication_completeness');
    expect(table).toBeDefined();
    const { rows } = await readCsvRows(store, current, table!);
    const byStream = Object.fromEntries(rows.map((r) => [`${r.source}/${r.stream}`, r.status]));
    expect(byStream['hubspot/contacts']).toBe('missing');
    expect(byStream['zendesk/tickets']).toBe('complete');
    expect(rows.every((r) => r.run_id === 'run-partial')).toBe(true);
  });

  it('shows the banner in the dashboard it publishes', async () => {
    const store = createObjectStore(existing.lake);
    const current = await readCurrentPublication(store);
    const html = Buffer.from((await store.get(current.key('dashboard/index.html')))!).toString('utf8');
    expect(html).toContain('hubspot');
    expect(html).toContain('"complete":false');
  });

  it('and the next whole run publishes complete again', async () => {
    const whole = await runPipeline({
      config: existing,
      runId: 'run-whole-again',
      env: goodEnv,
      now: () => sim.clock.now(),
    });
    expect(whole.missingStreams).toEqual([]);
    expect(whole.publication?.manifest.completeness?.complete).toBe(true);
  }, 300_000);
});

describe('a source dying mid-run on a fresh warehouse', () => {
  it('publishes nothing, and the next run continues from the checkpoints to every ticket', async () => {
    // Prepare: the desk vanishes after a few pages of the first extraction
    const fresh = warehouse('fresh', {});
    const proxy = await startSourceProxy({ target: sim.zendeskUrl, dieAfter: 6 });

    // Act
    const error = await failedRun(repoint(fresh, { zendesk: proxy.url }), 'run-died');
    await proxy.died;
    const pointerAfterFailure = await currentPointerText(fresh);
    const retried = await runPipeline({
      config: fresh,
      runId: 'run-retried',
      env: goodEnv,
      now: () => sim.clock.now(),
    });

    // Assess: nothing was published by the broken run; the retry read on from its checkpoints
    expect(error).toBeInstanceOf(IncompleteRunError);
    expect(pointerAfterFailure).toBeUndefined();
    expect(retried.publication?.runId).toBe('run-retried');
    expect(retried.extract.streams.some((s) => s.source === 'zendesk' && s.cursorBefore !== null)).toBe(true);
    const { truth } = createWorld({ ...simulator, fast: true });
    const expected = new Set<number>();
    for await (const t of truth.tickets()) if (!t.isMalformed && !t.isMergedAway) expected.add(t.ticketId);
    const engine = await createQueryEngine(fresh);
    try {
      const ids = (await engine.execute('select ticket_id from fct_tickets')).rows.map((r) =>
        Number(r.ticket_id),
      );
      expect(new Set(ids).size).toBe(ids.length);
      expect([...expected].filter((id) => !ids.includes(id))).toEqual([]);
    } finally {
      await engine.close();
    }
  }, 300_000);
});
