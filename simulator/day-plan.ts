import { isBusinessTime } from './business-hours.ts';
import { hashUnit, Rng } from './prng.ts';
import {
  type Category,
  type Channel,
  categoryWeights,
  channelWeights,
  type Language,
  languageWeights,
} from './world-catalog.ts';
import type { WorldPeople } from './world-people.ts';

const DAY = 86400;
const HOUR = 3600;
export const ticketIdBase = 1_000_000;
/** Conversations held in real time: the customer is waiting on the other side. */
export const liveChannels: readonly Channel[] = ['chat', 'voice', 'telegram', 'discord', 'twitter'];
export const ticketsPerDayStride = 100_000;

export interface WorldParams {
  readonly seed: number;
  readonly startTs: number;
  readonly days: number;
  readonly endTs: number;
  readonly ticketsPerDay: number;
  readonly crashDayRate: number;
  readonly customersPerDailyTicket: number;
}

export interface PlannedTicket {
  readonly index: number;
  readonly createdAt: number;
  readonly customer: number;
  readonly channel: Channel;
  readonly category: Category;
  readonly language: Language;
  readonly agentCreated: boolean;
  readonly followUpOf: number | null;
  /** This ticket is merged into `mergeInto.index` at `mergeInto.at`. */
  readonly mergeInto: { readonly index: number; readonly at: number } | null;
  readonly mergedFrom: { readonly index: number; readonly at: number }[];
}

export interface DayPlan {
  readonly day: number;
  readonly dayStart: number;
  /** Replies slow down by this factor (1 on ordinary days). */
  readonly slowdown: number;
  readonly isCrashDay: boolean;
  readonly tickets: readonly PlannedTicket[];
}

export function ticketIdOf(day: number, index: number): number {
  return ticketIdBase + day * ticketsPerDayStride + index;
}

export function locateTicket(id: number): { day: number; index: number } {
  const rel = id - ticketIdBase;
  return { day: Math.floor(rel / ticketsPerDayStride), index: rel % ticketsPerDayStride };
}

/** Crash days: 5–10× the volume, replies 2–4× slower. */
export function crashFactor(params: WorldParams, day: number): { volume: number; slowdown: number } {
  if (hashUnit(params.seed, 'crash', day) >= params.crashDayRate) return { volume: 1, slowdown: 1 };
  const u = hashUnit(params.seed, 'crash-size', day);
  return { volume: 5 + 5 * u, slowdown: 2 + 2 * u };
}

/** Hourly weights (UTC): Asia mornings, Europe and the Americas afternoons. */
const hourWeights = [3, 3, 4, 5, 6, 6, 6, 6, 7, 8, 8, 8, 8, 9, 9, 9, 8, 8, 7, 6, 5, 4, 4, 3];
const hourTotal = hourWeights.reduce((a, b) => a + b, 0);

function timeOfDay(rng: Rng): number {
  let r = rng.next() * hourTotal;
  let h = 0;
  for (; h < 23; h++) {
    r -= hourWeights[h] as number;
    if (r < 0) break;
  }
  return h * HOUR + rng.int(0, HOUR - 1);
}

/** The tickets created on one day: when, by whom, how; their lives are generated separately. */
export function planDay(params: WorldParams, people: WorldPeople, day: number): DayPlan {
  const dayStart = params.startTs + day * DAY;
  const rng = Rng.of(params.seed, 'day', day);
  const { volume, slowdown } = crashFactor(params, day);
  const weekday = new Date(dayStart * 1000).getUTCDay();
  const seasonal = (weekday === 0 || weekday === 6 ? 0.85 : 1.05) * (0.9 + 0.2 * rng.next());
  const count = Math.max(1, Math.round(params.ticketsPerDay * seasonal * volume));
  const crashHour = rng.int(0, 20) * HOUR;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    // On a crash day most of the extra volume arrives in the hours after the crash.
    const extra = volume > 1 && rng.chance(1 - 1 / volume);
    times.push(
      dayStart +
        (extra ? Math.min(DAY - 1, crashHour + Math.floor(rng.lognormal(3 * HOUR, 0.7))) : timeOfDay(rng)),
    );
  }
  times.sort((a, b) => a - b);
  const tickets: PlannedTicket[] = [];
  for (let i = 0; i < count; i++) {
    const createdAt = times[i] as number;
    const available = Math.max(1, people.customersAt(createdAt));
    const customerIndex = Math.min(available - 1, Math.floor(rng.next() * available));
    const customer = people.customer(customerIndex);
    let channel: Channel =
      customer.favouriteChannel && rng.chance(0.6) ? customer.favouriteChannel : rng.weighted(channelWeights);
    if (channel === 'voice' && !isBusinessTime(createdAt)) channel = 'chat';
    const category = rng.weighted(categoryWeights);
    const language = rng.chance(0.92) ? customer.language : rng.weighted(languageWeights);
    tickets.push({
      index: i,
      createdAt,
      customer: customerIndex,
      channel,
      category,
      language,
      agentCreated: rng.chance(0.03),
      followUpOf: null,
      mergeInto: null,
      mergedFrom: [],
    });
  }
  // Customers who write again within hours, about the same thing; some of these get merged.
  for (let i = 0; i < count; i++) {
    const original = tickets[i] as PlannedTicket;
    if (original.agentCreated || !rng.chance(0.05)) continue;
    const createdAt = original.createdAt + rng.int(HOUR / 2, 8 * HOUR);
    const index = tickets.length;
    const channel = rng.chance(0.5) ? original.channel : rng.weighted(channelWeights);
    // The agent who picks the follow-up up merges it: at once in a live conversation.
    const mergeAfter = liveChannels.includes(channel) ? rng.int(20, 90) : rng.int(600, 3 * HOUR);
    const merge = rng.chance(0.4) ? { index: original.index, at: createdAt + mergeAfter } : null;
    tickets.push({
      ...original,
      index,
      createdAt,
      channel,
      agentCreated: false,
      followUpOf: original.index,
      mergeInto: merge,
      mergedFrom: [],
    });
    if (merge) original.mergedFrom.push({ index, at: merge.at });
  }
  for (const t of tickets)
    if (t.channel === 'voice' && !isBusinessTime(t.createdAt)) (t as { channel: Channel }).channel = 'email';
  return { day, dayStart, slowdown, isCrashDay: volume > 1, tickets };
}
