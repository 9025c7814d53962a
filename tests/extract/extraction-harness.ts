import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SimulatorFaults, SimulatorOptions } from '#simulator/simulator-config.ts';
import { type RunningSimulator, startSimulator } from '#simulator/start-simulator.ts';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import type { SourceEndpoint } from '#src/connectors/connector.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

export const HMAC_KEY = 'test-hmac-key-0123456789abcdef';

/**
 * A small world (3 days, ~20 tickets a day) served over HTTP on loopback. These tests are about
 * extraction mechanics, not the desk's figures, so the customer base is the smaller one of the
 * uncalibrated simulator (fewer user and contact pages per run).
 */
export function startSmallSimulator(
  faults: Partial<SimulatorFaults> = {},
  options: SimulatorOptions = {},
): Promise<RunningSimulator> {
  return startSimulator({
    seed: 7,
    startDate: '2026-08-01',
    days: 3,
    ticketsPerDay: 20,
    customersPerDailyTicket: 20,
    fast: true,
    ...options,
    faults: { slowMs: 40, ...faults },
  });
}

export function simulatorEndpoints(sim: RunningSimulator): Record<string, SourceEndpoint> {
  return {
    zendesk: {
      baseUrl: sim.zendeskUrl,
      credentials: { email: sim.credentials.zendeskEmail, token: sim.credentials.zendeskToken },
    },
    hubspot: { baseUrl: sim.hubspotUrl, credentials: { token: sim.credentials.hubspotToken } },
  };
}

const roots: string[] = [];

export async function freshLake(): Promise<{ root: string; store: LocalObjectStore }> {
  const root = await mkdtemp(join(tmpdir(), 'extract-'));
  roots.push(root);
  return { root, store: new LocalObjectStore(join(root, 'lake')) };
}

export async function removeLakes(): Promise<void> {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
}

/** Small pages (many page boundaries), quick retries, a short timeout for held requests. */
export function extractionConfig(root: string, overrides: Record<string, unknown> = {}): WarehouseConfig {
  const retry = { baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 400, maxRetries: 12 };
  return parseConfig({
    stateDir: join(root, 'state'),
    sources: {
      zendesk: {
        perPage: 25,
        listPageSize: 10,
        requestsPerMinute: 100_000,
        apiRequestsPerMinute: 100_000,
        retry,
        ...((overrides.zendesk as object) ?? {}),
      },
      hubspot: {
        pageSize: 20,
        listPageSize: 10,
        requestsPer10s: 100_000,
        searchRequestsPerSecond: 100_000,
        retry,
        ...((overrides.hubspot as object) ?? {}),
      },
    },
  });
}

async function readJsonLines(store: ObjectStore, prefix: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const info of store.list(prefix)) {
    const text = gunzipSync((await store.get(info.key))!).toString('utf8');
    for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line));
  }
  return rows;
}

export function landingRows(store: ObjectStore, source: string, stream: string) {
  return readJsonLines(store, `landing/${source}/${stream}/`);
}

export function quarantineRows(store: ObjectStore, source: string, stream: string) {
  return readJsonLines(store, `quarantine/${source}/${stream}/`);
}

/** The id of a quarantined API record (malformed ids look like `id-123`). */
function quarantinedId(record: unknown): string {
  const r = record as { id?: unknown; contact?: { id?: unknown } };
  const id = r.contact !== undefined ? r.contact?.id : r.id;
  return String(id).replace(/^id-/, '');
}

/** Unique ids per truth entity found in landing, and in quarantine for the malformed ones. */
export async function extractedIds(store: ObjectStore): Promise<Record<string, Set<string>>> {
  const ids = async (source: string, stream: string, column: string, quarantineStream?: string) => {
    const set = new Set((await landingRows(store, source, stream)).map((r) => String(r[column])));
    if (quarantineStream) {
      for (const q of await quarantineRows(store, source, quarantineStream)) set.add(quarantinedId(q.record));
    }
    return set;
  };
  const audits = await ids('zendesk', 'ticket_events', 'audit_id', 'ticket_events');
  for (const id of await ids('zendesk', 'comments', 'audit_id')) audits.add(id);
  return {
    tickets: await ids('zendesk', 'tickets', 'ticket_id', 'tickets'),
    ticket_events: audits,
    child_events: await ids('zendesk', 'ticket_events', 'event_id'),
    comments: await ids('zendesk', 'comments', 'comment_id'),
    users: await ids('zendesk', 'users', 'user_id', 'users'),
    groups: await ids('zendesk', 'groups', 'group_id', 'groups'),
    satisfaction_ratings: await ids('zendesk', 'satisfaction_ratings', 'rating_id', 'satisfaction_ratings'),
    contacts: await ids('hubspot', 'contacts', 'contact_id', 'contacts'),
    survey_responses: await ids('hubspot', 'survey_responses', 'response_id', 'survey_responses'),
  };
}

const entities = [
  'tickets',
  'ticket_events',
  'users',
  'groups',
  'satisfaction_ratings',
  'contacts',
  'survey_responses',
] as const;

/** The simulator's own ids per entity, as strings. */
export async function truthIds(sim: RunningSimulator): Promise<Record<string, Set<string>>> {
  const out: Record<string, Set<string>> = {};
  for (const entity of entities) out[entity] = new Set([...(await sim.truth.idSet(entity))].map(String));
  return out;
}

/** Child events and comments of the audits that are not malformed (those are quarantined whole). */
export async function truthChildIds(
  sim: RunningSimulator,
): Promise<{ child_events: Set<string>; comments: Set<string> }> {
  const malformedAudits = new Set<number | string>();
  for await (const id of sim.truth.malformedIds('ticket_events')) malformedAudits.add(id);
  const keep = (childId: number | string) => !malformedAudits.has(Math.floor(Number(childId) / 100));
  const child = [...(await sim.truth.idSet('child_events'))].filter(keep).map(String);
  const comments = [...(await sim.truth.idSet('comments'))].filter(keep).map(String);
  return { child_events: new Set(child), comments: new Set(comments) };
}

export { entities };

/** The process "died" here: this put and every later write fail. */
export class SimulatedCrashError extends Error {
  override readonly name = 'SimulatedCrashError';
}

/**
 * A store that dies at a chosen write, as a killed process would: the chosen put does not happen
 * and nothing after it is written either (manifest included).
 */
export class CrashingStore implements ObjectStore {
  readonly kind = 'local' as const;
  private puts = 0;
  dead = false;
  readonly keys: string[] = [];

  constructor(
    private readonly inner: ObjectStore,
    private readonly crashAt: (key: string, putIndex: number, earlier: readonly string[]) => boolean,
  ) {}

  async put(
    key: string,
    body: Uint8Array | string,
    options?: import('#src/stores/object-store.ts').PutOptions,
  ) {
    this.check(key);
    await this.inner.put(key, body, options);
  }

  async putStream(
    key: string,
    body: AsyncIterable<Uint8Array>,
    options?: import('#src/stores/object-store.ts').PutOptions,
  ) {
    this.check(key);
    await this.inner.putStream(key, body, options);
  }

  get(key: string) {
    return this.inner.get(key);
  }

  exists(key: string) {
    return this.inner.exists(key);
  }

  list(prefix: string) {
    return this.inner.list(prefix);
  }

  async delete(keys: readonly string[]) {
    if (this.dead) throw new SimulatedCrashError('dead');
    return this.inner.delete(keys);
  }

  getTagged(key: string) {
    return this.inner.getTagged(key);
  }

  async putIf(
    key: string,
    body: Uint8Array | string,
    condition: import('#src/stores/object-store.ts').WriteCondition,
    options?: import('#src/stores/object-store.ts').PutOptions,
  ) {
    this.check(key);
    return this.inner.putIf(key, body, condition, options);
  }

  async deleteIf(key: string, etag: string) {
    if (this.dead) throw new SimulatedCrashError('dead');
    return this.inner.deleteIf(key, etag);
  }

  uri(key: string) {
    return this.inner.uri(key);
  }

  private check(key: string): void {
    if (this.dead) throw new SimulatedCrashError(`process already dead, ${key} not written`);
    this.puts += 1;
    if (this.crashAt(key, this.puts, this.keys)) {
      this.dead = true;
      throw new SimulatedCrashError(`killed before writing ${key}`);
    }
    this.keys.push(key);
  }
}
