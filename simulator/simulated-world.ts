import { type DayPlan, locateTicket, planDay, ticketIdOf, type WorldParams } from './day-plan.ts';
import type { Audit, FieldValue } from './life-builder.ts';
import { LruCache } from './lru-cache.ts';
import type { SimulatorConfig } from './simulator-config.ts';
import { generateTicketLife, lifeMaxDays, type TicketLife } from './ticket-life.ts';
import type { LifeContext } from './ticket-opening.ts';
import { WorldClock } from './world-clock.ts';
import { WorldPeople } from './world-people.ts';

const DAY = 86400;

/** Compact per-day index of ticket update times: what the incremental scans need, nothing more. */
export interface DayIndex {
  readonly day: number;
  readonly count: number;
  readonly createdAt: Uint32Array;
  readonly auditStart: Uint32Array;
  readonly auditTimes: Uint32Array;
  /** System touch (generated_timestamp only), 0 = none. */
  readonly touch: Uint32Array;
  readonly ratingOffered: Uint32Array;
  readonly ratingAnswered: Uint32Array;
  /** Audit positions sorted by (time, ticket, audit): the ticket-events scan reads these slices. */
  readonly eventOrder: Uint32Array;
  /** Ticket index of each audit position. */
  readonly auditTicket: Uint32Array;
  /** Tickets sorted by generated_timestamp as of `genNow` (recomputed when the clock moves). */
  genCache?: { genNow: number; gen: Uint32Array; order: Uint32Array };
}

const never = 0xffffffff;

/**
 * The first of positions 0 … length−1 not `before` the cursor, by bisection (positions sorted so
 * that every position `before` it comes first); `length` when all are.
 */
function firstPositionAfter(length: number, before: (position: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface TicketState {
  readonly status: string;
  readonly priority: string | null;
  readonly type: string | null;
  readonly groupId: number | null;
  readonly assigneeId: number | null;
  readonly tags: readonly string[];
  readonly customFields: readonly { id: number; value: string | null }[];
  readonly updatedAt: number;
  readonly generatedTimestamp: number;
  readonly satisfaction: 'unoffered' | 'offered' | 'good' | 'bad';
}

export interface AuditRef {
  readonly at: number;
  readonly day: number;
  readonly index: number;
  readonly audit: number;
}

export interface TicketRef {
  readonly key: number;
  readonly id: number;
  readonly day: number;
  readonly index: number;
}

/**
 * The world: generated per day from per-day seeds and never held whole. Day plans, day indexes
 * and ticket lives are cached in bounded LRU caches; anything evicted is regenerated identically.
 */
export class SimulatedWorld implements LifeContext {
  readonly params: WorldParams;
  readonly people: WorldPeople;
  readonly clock: WorldClock;
  private readonly plans = new LruCache<number, DayPlan>(lifeMaxDays + 40);
  private readonly indexes = new LruCache<number, DayIndex>(lifeMaxDays + 40);
  private readonly lives = new LruCache<number, TicketLife>(4096);

  constructor(readonly config: SimulatorConfig) {
    const startTs = Date.parse(`${config.startDate}T00:00:00Z`) / 1000;
    this.params = {
      seed: config.seed,
      startTs,
      days: config.days,
      endTs: startTs + config.days * DAY,
      ticketsPerDay: config.ticketsPerDay,
      crashDayRate: config.crashDayRate,
      customersPerDailyTicket: config.customersPerDailyTicket,
    };
    this.people = new WorldPeople(this.params);
    this.clock = new WorldClock(config.now !== undefined ? new Date(config.now) : this.params.endTs * 1000);
  }

  dayOf(ts: number): number {
    return Math.floor((ts - this.params.startTs) / DAY);
  }

  plan(day: number): DayPlan {
    return this.plans.getOrCreate(day, () => planDay(this.params, this.people, day));
  }

  life(day: number, index: number): TicketLife {
    const id = ticketIdOf(day, index);
    return this.lives.getOrCreate(id, () => generateTicketLife(this, day, index));
  }

  lifeById(id: number): TicketLife | null {
    const { day, index } = locateTicket(id);
    if (day < 0 || index < 0 || index >= this.plan(day).tickets.length) return null;
    return this.life(day, index);
  }

  dayIndex(day: number): DayIndex {
    return this.indexes.getOrCreate(day, () => {
      const plan = this.plan(day);
      const count = plan.tickets.length;
      const createdAt = new Uint32Array(count);
      const auditStart = new Uint32Array(count + 1);
      const touch = new Uint32Array(count);
      const ratingOffered = new Uint32Array(count);
      const ratingAnswered = new Uint32Array(count);
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        // Generated directly (not through the life cache) so indexing a day does not evict hot lives.
        const life = generateTicketLife(this, day, i);
        createdAt[i] = life.createdAt;
        auditStart[i] = times.length;
        for (const a of life.audits) times.push(a.at);
        touch[i] = life.systemTouches[0] ?? 0;
        ratingOffered[i] = life.rating?.offeredAt ?? 0;
        ratingAnswered[i] = life.rating?.answeredAt ?? 0;
      }
      auditStart[count] = times.length;
      const auditTimes = Uint32Array.from(times);
      const auditTicket = new Uint32Array(times.length);
      for (let i = 0; i < count; i++)
        auditTicket.fill(i, auditStart[i] as number, auditStart[i + 1] as number);
      const eventOrder = Uint32Array.from(times.keys()).sort(
        (a, b) => (auditTimes[a] as number) - (auditTimes[b] as number) || a - b,
      );
      return {
        day,
        count,
        createdAt,
        auditStart,
        auditTimes,
        touch,
        ratingOffered,
        ratingAnswered,
        eventOrder,
        auditTicket,
      };
    });
  }

  /** generated_timestamp of ticket i as of `now`; 0 if it does not exist yet. */
  static generatedAt(idx: DayIndex, i: number, now: number): number {
    if ((idx.createdAt[i] as number) > now) return 0;
    const last = SimulatedWorld.lastAuditAt(idx, i, now);
    const touch = idx.touch[i] as number;
    return touch !== 0 && touch <= now && touch > last ? touch : last;
  }

  static lastAuditAt(idx: DayIndex, i: number, now: number): number {
    let lo = idx.auditStart[i] as number;
    let hi = (idx.auditStart[i + 1] as number) - 1;
    let best = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = idx.auditTimes[mid] as number;
      if (t <= now) {
        best = t;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  /** generated_timestamp of every ticket of a day as of `now` and the day's tickets in that order. */
  private genOrder(idx: DayIndex, now: number): { gen: Uint32Array; order: Uint32Array } {
    if (idx.genCache?.genNow === now) return idx.genCache;
    const gen = new Uint32Array(idx.count);
    for (let i = 0; i < idx.count; i++) gen[i] = SimulatedWorld.generatedAt(idx, i, now) || never;
    const order = Uint32Array.from(gen.keys()).sort(
      (a, b) => (gen[a] as number) - (gen[b] as number) || a - b,
    );
    idx.genCache = { genNow: now, gen, order };
    return idx.genCache;
  }

  /**
   * Days whose tickets can have an update at or after `fromTs`, up to the day of `untilTs`, oldest
   * first: tickets of day d are never updated before the day starts, so once `limit` candidates
   * are held, later days beyond the bound are skipped.
   */
  private *scanDays(fromTs: number, untilTs: number): Generator<number> {
    const first = Math.max(0, this.dayOf(fromTs) - lifeMaxDays);
    const last = this.dayOf(untilTs);
    for (let d = first; d <= last; d++) yield d;
  }

  /**
   * The next `limit` tickets in (generated_timestamp, id) order after `after` (exclusive),
   * with generated_timestamp ≤ `until`, as of `now`.
   */
  ticketsAfter(after: { ts: number; id: number }, until: number, now: number, limit: number): TicketRef[] {
    let out: TicketRef[] = [];
    let bound = until;
    const cmp = (a: TicketRef, b: TicketRef): number => a.key - b.key || a.id - b.id;
    for (const d of this.scanDays(after.ts, until)) {
      if (this.params.startTs + d * DAY > bound) break;
      const idx = this.dayIndex(d);
      const { gen, order } = this.genOrder(idx, now);
      // First position after the cursor, by bisection over the sorted slice.
      const lo = firstPositionAfter(order.length, (mid) => {
        const i = order[mid] as number;
        const g = gen[i] as number;
        return g < after.ts || (g === after.ts && ticketIdOf(d, i) <= after.id);
      });
      let taken = 0;
      for (let k = lo; k < order.length && taken < limit; k++) {
        const i = order[k] as number;
        const g = gen[i] as number;
        if (g > bound) break;
        out.push({ key: g, id: ticketIdOf(d, i), day: d, index: i });
        taken++;
      }
      if (out.length >= limit) {
        out.sort(cmp);
        out.length = limit;
        bound = Math.min(bound, (out[limit - 1] as TicketRef).key);
      }
    }
    out.sort(cmp);
    if (out.length > limit) out = out.slice(0, limit);
    return out;
  }

  /** Audits with from ≤ at ≤ until in (at, audit id) order, at least `limit` unless the stream ends. */
  auditsFrom(from: number, until: number, limit: number): AuditRef[] {
    let out: AuditRef[] = [];
    let bound = until;
    const cmp = (a: AuditRef, b: AuditRef): number =>
      a.at - b.at || a.day - b.day || a.index - b.index || a.audit - b.audit;
    for (const d of this.scanDays(from, until)) {
      if (this.params.startTs + d * DAY > bound) break;
      const idx = this.dayIndex(d);
      const order = idx.eventOrder;
      const lo = firstPositionAfter(
        order.length,
        (mid) => (idx.auditTimes[order[mid] as number] as number) < from,
      );
      let taken = 0;
      for (let k = lo; k < order.length; k++) {
        const pos = order[k] as number;
        const t = idx.auditTimes[pos] as number;
        // Past the limit, keep only the rest of the same second (the page may need all of it).
        if (t > bound || (taken >= limit && t > (out[out.length - 1] as AuditRef).at)) break;
        const i = idx.auditTicket[pos] as number;
        out.push({ at: t, day: d, index: i, audit: pos - (idx.auditStart[i] as number) });
        taken++;
      }
      if (out.length >= limit) {
        out.sort(cmp);
        const edge = (out[limit - 1] as AuditRef).at;
        out = out.filter((r, n) => n < limit || r.at === edge);
        bound = Math.min(bound, edge);
      }
    }
    out.sort(cmp);
    return out;
  }

  /** Ratings (offered by `now`) in (updated_at, id) order after `after`, updated_at ≤ until. */
  ratingsAfter(after: { ts: number; id: number }, until: number, now: number, limit: number): TicketRef[] {
    const out: TicketRef[] = [];
    const cmp = (a: TicketRef, b: TicketRef): number => a.key - b.key || a.id - b.id;
    for (const d of this.scanDays(after.ts, Math.min(until, now))) {
      if (out.length >= limit) {
        out.sort(cmp);
        out.length = limit;
        if (this.params.startTs + d * DAY > (out[limit - 1] as TicketRef).key) break;
      }
      const idx = this.dayIndex(d);
      for (let i = 0; i < idx.count; i++) {
        const offered = idx.ratingOffered[i] as number;
        if (offered === 0 || offered > now) continue;
        const answered = idx.ratingAnswered[i] as number;
        const updated = answered !== 0 && answered <= now ? answered : offered;
        const id = ticketIdOf(d, i);
        if (updated > until || updated < after.ts || (updated === after.ts && id <= after.id)) continue;
        out.push({ key: updated, id, day: d, index: i });
      }
    }
    out.sort(cmp);
    return out.slice(0, limit);
  }

  /** Fold the audits up to `now` into the ticket's fields at that moment. */
  ticketState(life: TicketLife, now: number): TicketState {
    const fields = new Map<string, FieldValue>();
    let updatedAt = life.createdAt;
    for (const audit of life.audits) {
      if (audit.at > now) break;
      updatedAt = audit.at;
      for (const e of audit.events) if (e.kind !== 'Comment') fields.set(e.field, e.value);
    }
    let generated = updatedAt;
    for (const t of life.systemTouches) if (t <= now && t > generated) generated = t;
    const sat = (fields.get('satisfaction_score') as TicketState['satisfaction'] | undefined) ?? 'unoffered';
    return {
      status: fields.get('status') as string,
      priority: (fields.get('priority') as string | null) ?? null,
      type: (fields.get('type') as string | null) ?? null,
      groupId: (fields.get('group_id') as number | null) ?? null,
      assigneeId: (fields.get('assignee_id') as number | null) ?? null,
      tags: (fields.get('tags') as string[]) ?? [],
      customFields: (fields.get('custom_fields') as { id: number; value: string | null }[]) ?? [],
      updatedAt,
      generatedTimestamp: generated,
      satisfaction: sat,
    };
  }

  audit(ref: AuditRef): { life: TicketLife; audit: Audit } {
    const life = this.life(ref.day, ref.index);
    return { life, audit: life.audits[ref.audit] as Audit };
  }
}
