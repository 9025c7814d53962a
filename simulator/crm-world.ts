import { hashSeed, hashUnit, Rng } from './prng.ts';
import type { SimulatedWorld } from './simulated-world.ts';
import { type Customer, contactIdBase } from './world-people.ts';

const DAY = 86400;

export interface HistoryEntry {
  readonly value: string;
  readonly timestamp: number;
  readonly sourceType: string;
}

export interface ContactState {
  readonly id: number;
  readonly createdMs: number;
  readonly updatedMs: number;
  readonly properties: Record<string, string | null>;
  readonly history: Record<string, HistoryEntry[]>;
}

/** `propertiesWithHistory` of a contact as HubSpot serves it: each property's changes, newest first. */
export function propertiesWithHistory(
  c: ContactState,
  properties: readonly string[],
): Record<string, { value: string; timestamp: string; sourceType: string }[]> {
  return Object.fromEntries(
    properties.map((p) => [
      p,
      (c.history[p] ?? []).map((h) => ({
        value: h.value,
        timestamp: new Date(h.timestamp).toISOString(),
        sourceType: h.sourceType,
      })),
    ]),
  );
}

export interface FeedbackSubmission {
  readonly id: number;
  readonly contactId: number;
  readonly score: number;
  readonly submittedMs: number;
}

export const feedbackIdBase = 5_000_000;
const feedbackPerDayStride = 10_000;
/** HubSpot keeps a property's versions; we serve the latest ones, newest first. */
const historyDepth = 20;

const msOf = (seed: number, ts: number, ...parts: (string | number)[]): number =>
  ts * 1000 + (hashSeed(seed, 'ms', ...parts) % 1000);
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The CRM side of the world: a contact per customer (same e-mail) plus leads from one bulk
 * import that all share a single createdate and lastmodifieddate, and NPS feedback submissions.
 */
export class CrmWorld {
  readonly bulkCount: number;
  readonly importMs: number;
  private table: { nowMs: number; ids: Int32Array; modified: Float64Array; created: Float64Array } | null =
    null;

  constructor(private readonly world: SimulatedWorld) {
    const cfg = world.config;
    this.bulkCount = cfg.bulkImportContacts ?? cfg.ticketsPerDay * 3;
    this.importMs = (world.params.startTs - 30 * DAY + 10 * 3600) * 1000;
  }

  get contactCount(): number {
    return this.world.people.customerCount + this.bulkCount;
  }

  private get seed(): number {
    return this.world.params.seed;
  }

  /** Created (epoch ms) of contact number n (0-based), without building the contact. */
  createdMsOf(n: number): number {
    const people = this.world.people;
    if (n < people.customerCount) return msOf(this.seed, people.customerCreatedAt(n), 'created', n);
    return this.importMs;
  }

  contact(n: number, nowMs: number): ContactState | null {
    const people = this.world.people;
    const createdMs = this.createdMsOf(n);
    if (createdMs > nowMs || n < 0 || n >= this.contactCount) return null;
    const id = contactIdBase + n;
    if (n >= people.customerCount) return this.lead(n, id, createdMs);
    const c = people.customer(n);
    const now = Math.floor(nowMs / 1000);
    const hist = (
      entries: readonly (readonly [string, number])[],
      prop: string,
      source: string,
    ): HistoryEntry[] =>
      entries
        .map(([value, ts], i) => ({
          value,
          timestamp: i === 0 ? createdMs : msOf(this.seed, ts, prop, n, i),
          sourceType: i === 0 ? 'CRM_UI' : source,
        }))
        .filter((e) => e.timestamp <= nowMs)
        .reverse();
    const trades = people
      .tradesBefore(c, now, historyDepth)
      .map((ts) => ({
        value: iso(msOf(this.seed, ts, 'trade', n, ts)),
        timestamp: msOf(this.seed, ts, 'trade', n, ts) + 5000,
        sourceType: 'INTEGRATION',
      }))
      .filter((e) => e.timestamp <= nowMs);
    const history: Record<string, HistoryEntry[]> = {
      email: [{ value: c.email, timestamp: createdMs, sourceType: 'CRM_UI' }],
      firstname: [{ value: c.firstName, timestamp: createdMs, sourceType: 'CRM_UI' }],
      lastname: [{ value: c.lastName, timestamp: createdMs, sourceType: 'CRM_UI' }],
      phone: [{ value: c.phone, timestamp: createdMs, sourceType: 'CRM_UI' }],
      vip_tier: hist(c.vipHistory, 'vip', 'INTEGRATION'),
      kyc_level: hist(c.kycHistory, 'kyc', 'INTEGRATION'),
      last_trade_at: trades,
    };
    return this.finish(id, createdMs, history);
  }

  /**
   * `contact(n, nowMs).updatedMs` without building the contact's histories: the search table needs
   * only this for every contact, and building 20-deep trade histories for all of them made the
   * first search of a run take seconds.
   */
  updatedMsOf(n: number, nowMs: number): number {
    const people = this.world.people;
    const createdMs = this.createdMsOf(n);
    if (n >= people.customerCount) return createdMs;
    const c = people.customer(n);
    let updatedMs = createdMs;
    const consider = (entries: readonly (readonly [string, number])[], prop: string): void => {
      for (let i = 1; i < entries.length; i++) {
        const ms = msOf(this.seed, (entries[i] as readonly [string, number])[1], prop, n, i);
        if (ms <= nowMs) updatedMs = Math.max(updatedMs, ms);
      }
    };
    consider(c.vipHistory, 'vip');
    consider(c.kycHistory, 'kyc');
    // Trades are at least a day apart: the latest visible one is among the two latest before now.
    for (const ts of people.tradesBefore(c, Math.floor(nowMs / 1000), 2)) {
      const ms = msOf(this.seed, ts, 'trade', n, ts) + 5000;
      if (ms <= nowMs) {
        updatedMs = Math.max(updatedMs, ms);
        break;
      }
    }
    return updatedMs;
  }

  private lead(n: number, id: number, createdMs: number): ContactState {
    const rng = Rng.of(this.seed, 'lead', n);
    const first = rng.pick(['Sam', 'Kai', 'Ana', 'Lee', 'Max', 'Eva']);
    const last = rng.pick(['Import', 'Lead', 'Prospect']);
    const e = (value: string): HistoryEntry[] => [{ value, timestamp: createdMs, sourceType: 'IMPORT' }];
    return this.finish(id, createdMs, {
      email: e(`lead.${n}@example.org`),
      firstname: e(first),
      lastname: e(last),
      phone: [],
      vip_tier: e('none'),
      kyc_level: e('unverified'),
      last_trade_at: [],
    });
  }

  private finish(id: number, createdMs: number, history: Record<string, HistoryEntry[]>): ContactState {
    let updatedMs = createdMs;
    for (const entries of Object.values(history))
      for (const e of entries) updatedMs = Math.max(updatedMs, e.timestamp);
    const properties: Record<string, string | null> = {
      createdate: iso(createdMs),
      hs_object_id: String(id),
      lastmodifieddate: iso(updatedMs),
    };
    for (const [name, entries] of Object.entries(history)) properties[name] = entries[0]?.value ?? null;
    history.createdate = [{ value: iso(createdMs), timestamp: createdMs, sourceType: 'CRM_UI' }];
    history.hs_object_id = [{ value: String(id), timestamp: createdMs, sourceType: 'CRM_UI' }];
    history.lastmodifieddate = [{ value: iso(updatedMs), timestamp: updatedMs, sourceType: 'CALCULATED' }];
    return { id, createdMs, updatedMs, properties, history };
  }

  /** Every contact's lastmodifieddate as of `nowMs`, cached per clock reading (one number each). */
  modifiedTable(nowMs: number): { ids: Int32Array; modified: Float64Array; created: Float64Array } {
    if (this.table?.nowMs === nowMs) return this.table;
    const n = this.contactCount;
    const ids: number[] = [];
    const modified: number[] = [];
    const created: number[] = [];
    for (let i = 0; i < n; i++) {
      const createdMs = this.createdMsOf(i);
      if (createdMs > nowMs) continue;
      ids.push(contactIdBase + i);
      modified.push(this.updatedMsOf(i, nowMs));
      created.push(createdMs);
    }
    this.table = {
      nowMs,
      ids: Int32Array.from(ids),
      modified: Float64Array.from(modified),
      created: Float64Array.from(created),
    };
    return this.table;
  }

  // ------------------------------------------------------------------ feedback submissions (NPS)

  private feedbackCount(day: number): number {
    if (day < 0) return 0;
    const base = Math.max(1, this.world.config.ticketsPerDay * 0.05);
    return Math.min(
      feedbackPerDayStride - 1,
      Math.round(base * (0.7 + 0.6 * hashUnit(this.seed, 'nps-count', day))),
    );
  }

  feedback(id: number): FeedbackSubmission | null {
    const rel = id - feedbackIdBase;
    const day = Math.floor(rel / feedbackPerDayStride);
    const j = rel % feedbackPerDayStride;
    if (rel < 0 || j >= this.feedbackCount(day)) return null;
    const rng = Rng.of(this.seed, 'nps', id);
    const dayStart = this.world.params.startTs + day * DAY;
    const submitted = dayStart + Math.floor(((j + rng.next()) * DAY) / this.feedbackCount(day));
    const people = this.world.people;
    const available = Math.max(1, people.customersAt(submitted));
    const k = Math.floor(rng.next() * available);
    const c: Customer = people.customer(k);
    // Customers heading for churn answer as detractors far more often.
    const unhappy = c.churnAt !== null && Math.abs(c.churnAt - submitted) < 45 * DAY;
    const score = unhappy
      ? rng.weighted([
          [rng.int(0, 6), 70],
          [rng.int(7, 8), 20],
          [rng.int(9, 10), 10],
        ])
      : rng.weighted([
          [rng.int(0, 6), 10],
          [rng.int(7, 8), 26],
          [rng.int(9, 10), 64],
        ]);
    return { id, contactId: c.contactId, score, submittedMs: msOf(this.seed, submitted, 'nps', id) };
  }

  /** Submissions after `afterId` (exclusive), submitted by `nowMs`, in id order. */
  feedbackAfter(afterId: number, nowMs: number, limit: number): FeedbackSubmission[] {
    const out: FeedbackSubmission[] = [];
    const lastDay = this.world.dayOf(Math.floor(nowMs / 1000));
    let day = Math.max(0, Math.floor((afterId + 1 - feedbackIdBase) / feedbackPerDayStride));
    for (; day <= lastDay && out.length < limit; day++) {
      const count = this.feedbackCount(day);
      for (let j = 0; j < count && out.length < limit; j++) {
        const id = feedbackIdBase + day * feedbackPerDayStride + j;
        if (id <= afterId) continue;
        const f = this.feedback(id);
        if (f && f.submittedMs <= nowMs) out.push(f);
      }
    }
    return out;
  }
}
