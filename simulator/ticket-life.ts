import { isBusinessTime, nextBusinessTime } from './business-hours.ts';
import {
  agentPhrases,
  badRatingReasons,
  botPhrases,
  customerPhrases,
  internalNotes,
  type Sentiment,
  subjects,
} from './phrase-banks.ts';
import { hashUnit, Rng } from './prng.ts';
import {
  type Category,
  type Channel,
  categoryFieldId,
  categoryWeights,
  channelWeights,
  type GroupName,
  groupByName,
  type Language,
  languageFieldId,
  languageWeights,
  type Priority,
  securityCategories,
  type VipTier,
  walletCategories,
} from './world-catalog.ts';
import { type Customer, type StaffMember, systemUserId, type WorldPeople } from './world-people.ts';

const DAY = 86400;
const HOUR = 3600;
/** Every update of a ticket happens within this many days of its creation (bounds the index scans). */
export const lifeMaxDays = 70;
/** Solved tickets are closed by the desk's automation this long after the last solve. */
export const closeAfterDays = 28;
export const ticketIdBase = 1_000_000;
/** Conversations held in real time: the customer is waiting on the other side. */
const liveChannels: readonly Channel[] = ['chat', 'voice', 'telegram', 'discord', 'twitter'];
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

// ------------------------------------------------------------------------------------- lives

export type FieldValue =
  | string
  | number
  | boolean
  | null
  | readonly string[]
  | readonly { id: number; value: string | null }[];

export type ChildEvent =
  | { readonly kind: 'Create'; readonly field: string; readonly value: FieldValue }
  | {
      readonly kind: 'Change';
      readonly field: string;
      readonly value: FieldValue;
      readonly previous: FieldValue;
    }
  | {
      readonly kind: 'Comment';
      readonly body: string;
      readonly isPublic: boolean;
      readonly authorId: number;
      /** Known sentiment of a customer message; null for agents, bots and notes. */
      readonly sentiment: Sentiment | null;
    };

export interface Audit {
  readonly id: number;
  readonly at: number;
  readonly updaterId: number;
  readonly channel: string;
  readonly events: readonly ChildEvent[];
}

export interface Rating {
  readonly id: number;
  readonly offeredAt: number;
  readonly answeredAt: number | null;
  readonly score: 'good' | 'bad' | null;
  readonly comment: string | null;
  readonly commentSentiment: Sentiment | null;
  readonly reason: string | null;
  readonly assigneeId: number | null;
  readonly groupId: number | null;
}

export interface TicketLife {
  readonly id: number;
  readonly day: number;
  readonly plan: PlannedTicket;
  readonly createdAt: number;
  readonly requesterId: number;
  readonly submitterId: number;
  readonly channel: Channel;
  readonly category: Category;
  readonly language: Language;
  readonly vipTier: VipTier;
  readonly subject: string;
  readonly description: string;
  readonly audits: readonly Audit[];
  /** System updates that bump generated_timestamp without a ticket event. */
  readonly systemTouches: readonly number[];
  readonly rating: Rating | null;
}

/**
 * Median wait for a human's first reply on an ordinary day, by channel (calibrated to published
 * benchmarks, see docs/SIMULATOR-CALIBRATION.md): live channels are answered in well under a
 * minute once a human has the conversation, e-mail and web forms within a couple of hours.
 */
const firstReplyMedian: Record<Channel, number> = {
  chat: 25,
  voice: 25,
  telegram: 35,
  discord: 40,
  twitter: 45,
  email: 50 * 60,
  web: 50 * 60,
  api: 1.5 * HOUR,
};

/** Dispute contact reasons go straight to a human: the bot cannot judge them. */
const disputeCategories: readonly Category[] = ['futures_liquidation_dispute', 'p2p_dispute'];

/** Chance a human-handled ticket is escalated to a specialist line, by contact reason (≈ 5 % overall). */
const escalationChance: Record<Category, number> = {
  withdrawal_delayed: 0.06,
  deposit_not_credited: 0.06,
  kyc_verification: 0.035,
  account_locked_2fa: 0.045,
  account_compromise: 0,
  phishing: 0,
  unauthorised_withdrawal: 0,
  futures_liquidation_dispute: 0.14,
  p2p_dispute: 0.12,
  fees: 0.02,
  api_trading: 0.16,
  other: 0.015,
};

/** Builds one ticket's whole life; everything past the world's clock is simply not served yet. */
class LifeBuilder {
  readonly audits: Audit[] = [];
  private t: number;
  status = 'new';
  groupId: number;
  assigneeId: number | null = null;
  tags: string[];
  private lastCustomerMessageAt: number;
  /** Seconds the customer waited for the desk (drives satisfaction). */
  waited = 0;

  constructor(
    private readonly ticketId: number,
    readonly rng: Rng,
    createdAt: number,
    groupId: number,
    tags: string[],
  ) {
    this.t = createdAt;
    this.groupId = groupId;
    this.tags = tags;
    this.lastCustomerMessageAt = createdAt;
  }

  get now(): number {
    return this.t;
  }

  get full(): boolean {
    return this.audits.length >= 90;
  }

  /** Adds an audit at `at` (never before the previous one: one audit per second per ticket at most). */
  add(at: number, updaterId: number, channel: string, events: ChildEvent[]): void {
    const last = this.audits[this.audits.length - 1];
    const when = last ? Math.max(Math.round(at), last.at + 1) : Math.round(at);
    this.t = when;
    this.audits.push({ id: this.ticketId * 100 + this.audits.length, at: when, updaterId, channel, events });
  }

  change(field: string, value: FieldValue): ChildEvent | null {
    const previous = this.current(field);
    if (JSON.stringify(previous) === JSON.stringify(value)) return null;
    if (field === 'status') this.status = value as string;
    if (field === 'group_id') this.groupId = value as number;
    if (field === 'assignee_id') this.assigneeId = value as number | null;
    if (field === 'tags') this.tags = [...(value as string[])];
    return { kind: 'Change', field, value, previous };
  }

  private current(field: string): FieldValue {
    if (field === 'status') return this.status;
    if (field === 'group_id') return this.groupId;
    if (field === 'assignee_id') return this.assigneeId;
    if (field === 'tags') return this.tags;
    return null;
  }

  customerMessage(
    at: number,
    authorId: number,
    channel: string,
    body: string,
    sentiment: Sentiment,
    extra: ChildEvent[] = [],
  ): void {
    if (this.full) return;
    this.lastCustomerMessageAt = Math.max(at, this.t);
    this.add(at, authorId, channel, [
      { kind: 'Comment', body, isPublic: true, authorId, sentiment },
      ...extra,
    ]);
  }

  agentReply(at: number, agentId: number, body: string, extra: (ChildEvent | null)[] = []): void {
    if (this.full) return;
    const when = Math.max(at, this.t + 1);
    this.waited += Math.max(0, when - this.lastCustomerMessageAt);
    this.add(when, agentId, 'web', [
      { kind: 'Comment', body, isPublic: true, authorId: agentId, sentiment: null },
      ...extra.filter((e): e is ChildEvent => e !== null),
    ]);
  }

  note(at: number, agentId: number, body: string, extra: (ChildEvent | null)[] = []): void {
    if (this.full) return;
    this.add(at, agentId, 'web', [
      { kind: 'Comment', body, isPublic: false, authorId: agentId, sentiment: null },
      ...extra.filter((e): e is ChildEvent => e !== null),
    ]);
  }

  update(at: number, updaterId: number, events: (ChildEvent | null)[]): void {
    const real = events.filter((e): e is ChildEvent => e !== null);
    if (real.length === 0 || this.full) return;
    this.add(at, updaterId, updaterId === systemUserId ? 'rule' : 'web', real);
  }
}

export interface LifeContext {
  readonly params: WorldParams;
  readonly people: WorldPeople;
  plan(day: number): DayPlan;
}

function phrase(rng: Rng, language: Language, sentiment: Sentiment): string {
  return rng.pick(customerPhrases[language][sentiment]);
}

function customerText(rng: Rng, language: Language, sentiment: Sentiment): string {
  const first = phrase(rng, language, sentiment);
  if (!rng.chance(0.5)) return first;
  const second = phrase(
    rng,
    language,
    sentiment === 'positive' ? 'positive' : rng.chance(0.5) ? 'neutral' : sentiment,
  );
  return second === first ? first : `${first} ${second}`;
}

/** Deterministic life of ticket (day, index): same seed, same life, whatever else was generated. */
export function generateTicketLife(ctx: LifeContext, day: number, index: number): TicketLife {
  const { params, people } = ctx;
  const dayPlan = ctx.plan(day);
  const plan = dayPlan.tickets[index] as PlannedTicket;
  const id = ticketIdOf(day, index);
  const rng = Rng.of(params.seed, 'ticket', id);
  const customer: Customer = people.customer(plan.customer);
  const createdAt = plan.createdAt;
  const vipTier = people.vipTierAt(customer, createdAt);
  const isVip = vipTier === 'gold' || vipTier === 'platinum';
  const security = securityCategories.includes(plan.category);
  const wallet = walletCategories.includes(plan.category);
  const churnSoon =
    customer.churnAt !== null && customer.churnAt - createdAt >= 0 && customer.churnAt - createdAt <= 7 * DAY;
  const slow = dayPlan.slowdown;
  const language = plan.language;

  const priority: Priority = security
    ? 'urgent'
    : wallet && rng.chance(0.4)
      ? 'high'
      : rng.weighted([
          ['low', 15],
          ['normal', 70],
          ['high', 15],
        ] as const);
  const type = security || wallet ? 'incident' : plan.agentCreated ? 'task' : 'question';
  const live = liveChannels.includes(plan.channel);
  // The bot greets most chats; security incidents and disputes go straight to a human.
  const chatBot =
    plan.channel === 'chat' &&
    !plan.agentCreated &&
    !security &&
    !disputeCategories.includes(plan.category) &&
    rng.chance(0.75);
  const humanGroupName: GroupName = security
    ? 'L3 Security'
    : isVip || plan.channel === 'voice'
      ? 'VIP Desk'
      : 'L1 Frontline';
  const initialGroup = groupByName(chatBot ? 'Chat Bot' : humanGroupName);
  const agentsIn = (name: GroupName): readonly StaffMember[] => people.agentsOf(groupByName(name).id);
  const pickAgent = (name: GroupName, not?: number | null): StaffMember => {
    const list = agentsIn(name);
    const others = list.filter((a) => a.id !== not);
    return rng.pick(others.length > 0 ? others : list);
  };
  const creatorAgent = plan.agentCreated ? pickAgent(humanGroupName) : null;

  let opening: Sentiment = rng.weighted([
    ['neutral', 73],
    ['negative', 9],
    ['positive', 18],
  ] as const);
  if ((churnSoon || slow > 1 || security) && opening !== 'negative' && rng.chance(0.5)) opening = 'negative';
  const description = plan.agentCreated
    ? (agentPhrases[language][0] as string)
    : customerText(rng, language, opening);
  const subject = subjects[plan.category];
  const tags = [plan.category, `lang_${language}`, ...(vipTier !== 'none' ? [`vip_${vipTier}`] : [])];
  if (plan.followUpOf !== null) tags.push('repeat_contact');

  const life = new LifeBuilder(id, rng, createdAt, initialGroup.id, tags);
  const requesterId = customer.userId;
  const submitterId = creatorAgent?.id ?? requesterId;
  const channel = plan.agentCreated ? 'web' : plan.channel;
  const createEvents: ChildEvent[] = [
    {
      kind: 'Comment',
      body: description,
      isPublic: true,
      authorId: submitterId,
      sentiment: plan.agentCreated ? null : opening,
    },
    { kind: 'Create', field: 'subject', value: subject },
    { kind: 'Create', field: 'requester_id', value: requesterId },
    { kind: 'Create', field: 'status', value: chatBot || creatorAgent ? 'open' : 'new' },
    { kind: 'Create', field: 'priority', value: priority },
    { kind: 'Create', field: 'type', value: type },
    { kind: 'Create', field: 'group_id', value: initialGroup.id },
    { kind: 'Create', field: 'assignee_id', value: chatBot ? people.bot.id : (creatorAgent?.id ?? null) },
    { kind: 'Create', field: 'tags', value: tags },
    {
      kind: 'Create',
      field: 'custom_fields',
      value: [
        { id: categoryFieldId, value: plan.category },
        { id: languageFieldId, value: language },
      ],
    },
  ];
  life.status = chatBot || creatorAgent ? 'open' : 'new';
  life.assigneeId = chatBot ? people.bot.id : (creatorAgent?.id ?? null);
  life.add(createdAt, submitterId, channel, createEvents);

  const mergeNotes = [...plan.mergedFrom];
  const flushMergeNotes = (until: number): void => {
    while (mergeNotes.length > 0 && (mergeNotes[0] as { at: number }).at <= until) {
      const m = mergeNotes.shift() as { index: number; at: number };
      life.note(
        m.at,
        life.assigneeId ?? pickAgent(humanGroupName).id,
        `Request #${ticketIdOf(day, m.index)} was closed and merged into this request.`,
      );
    }
  };
  const result = (rating: Rating | null, touches: number[]): TicketLife => ({
    id,
    day,
    plan,
    createdAt,
    requesterId,
    submitterId,
    channel: channel as Channel,
    category: plan.category,
    language,
    vipTier,
    subject,
    description,
    audits: life.audits.filter((a) => a.at <= createdAt + lifeMaxDays * DAY),
    systemTouches: touches.filter((t) => t <= createdAt + lifeMaxDays * DAY),
    rating,
  });

  // Spam: deleted soon after creation.
  if (!plan.agentCreated && plan.followUpOf === null && rng.chance(0.004)) {
    life.update(createdAt + rng.int(300, 2 * HOUR), pickAgent('L1 Frontline').id, [
      life.change('status', 'deleted'),
    ]);
    return result(null, []);
  }

  // A follow-up merged into the customer's earlier ticket.
  if (plan.mergeInto) {
    const agent = pickAgent(humanGroupName);
    life.add(plan.mergeInto.at, agent.id, 'web', [
      {
        kind: 'Comment',
        body: `This request was closed and merged into request #${ticketIdOf(day, plan.mergeInto.index)}.`,
        isPublic: true,
        authorId: agent.id,
        sentiment: null,
      },
      life.change('status', 'closed') as ChildEvent,
      life.change('tags', [...life.tags, 'closed_by_merge']) as ChildEvent,
    ]);
    return result(null, []);
  }

  let solvedByBot = false;
  if (chatBot) {
    const bot = people.bot;
    life.agentReply(createdAt + rng.int(1, 3), bot.id, botPhrases[language].greet);
    life.customerMessage(
      life.now + rng.int(8, 40),
      requesterId,
      'chat',
      customerText(rng, language, opening === 'positive' ? 'neutral' : opening),
      opening === 'positive' ? 'neutral' : opening,
    );
    life.agentReply(life.now + rng.int(2, 8), bot.id, botPhrases[language].answer);
    if (rng.chance(slow > 1 ? 0.4 : 0.62)) {
      life.customerMessage(
        life.now + rng.int(5, 40),
        requesterId,
        'chat',
        phrase(rng, language, 'positive'),
        'positive',
      );
      life.update(life.now + rng.int(2, 10), bot.id, [life.change('status', 'solved')]);
      solvedByBot = true;
    } else {
      life.update(life.now + rng.int(2, 10), bot.id, [
        life.change('group_id', groupByName(humanGroupName).id),
        life.change('assignee_id', null),
      ]);
    }
  }

  let humanGroup: GroupName = humanGroupName;
  let reopenedLate = false;
  if (!solvedByBot) {
    // The VIP desk takes calls in business hours; its written channels are staffed 24/7.
    const businessDesk = (): boolean => groupByName(humanGroup).businessHours && plan.channel === 'voice';
    // Live conversations and security incidents are picked up at once.
    const quick = live || security;
    // Work queued overnight is picked up through the first 20 minutes after opening, not all at 09:00:00.
    const atDesk = (ts: number): number => {
      if (!businessDesk()) return ts;
      const open = nextBusinessTime(ts);
      return open === ts ? ts : open + rng.int(0, 1200);
    };
    let agent = creatorAgent ?? pickAgent(humanGroup);
    if (!creatorAgent) {
      // On a crash day the live queue backs up (5–10× the chats for the same staff): minutes, not seconds.
      const queued = live && slow > 1 ? rng.lognormal(60 * (slow - 1), 0.6) : 0;
      const assignAt = atDesk(
        life.now + queued + (quick ? rng.lognormal(8 * slow, 0.5) : rng.lognormal(120 * slow, 1)),
      );
      life.update(assignAt, agent.id, [life.change('assignee_id', agent.id), life.change('status', 'open')]);
    }
    const replyDelay = (): number => {
      let median = firstReplyMedian[plan.channel] * slow;
      if (isVip) median *= live ? 0.7 : 0.3;
      if (priority === 'urgent' || priority === 'high') median *= 0.7;
      // Security incidents have their own fast lane on every channel.
      if (security) median = Math.min(median, 50 * slow);
      return rng.lognormal(median, live || security ? 0.6 : 0.7);
    };
    // Early escalation, before any reply: the front line recognises a specialist topic at once.
    const escalate = (): void => {
      const target: GroupName =
        humanGroup === 'L2 Specialists' || humanGroup === 'L2 Payments'
          ? 'L3 Engineering'
          : wallet || plan.category === 'fees'
            ? 'L2 Payments'
            : 'L2 Specialists';
      const next = pickAgent(target);
      const at = life.now + (quick ? rng.lognormal(90 * slow, 0.6) : rng.lognormal(300 * slow, 0.8));
      life.note(at, agent.id, internalNotes[1], [
        life.change('group_id', groupByName(target).id),
        life.change('assignee_id', next.id),
        life.change('tags', life.tags.includes('escalated') ? life.tags : [...life.tags, 'escalated']),
      ]);
      humanGroup = target;
      agent = next;
    };
    const canEscalate = (): boolean => humanGroup !== 'L3 Security' && humanGroup !== 'L3 Engineering';
    const escalates = canEscalate() && rng.chance(escalationChance[plan.category]);
    const early = escalates && rng.chance(0.75);
    if (early) escalate();
    if (rng.chance(0.2))
      life.note(life.now + (quick ? rng.int(3, 15) : rng.int(30, 900)), agent.id, rng.pick(internalNotes));
    flushMergeNotes(life.now);
    if (creatorAgent) {
      // The agent opened the ticket with a public comment; the customer answers it.
      life.customerMessage(
        life.now + rng.lognormal(2 * HOUR, 1),
        requesterId,
        plan.channel,
        customerText(rng, language, 'neutral'),
        'neutral',
      );
    }
    life.agentReply(atDesk(life.now + replyDelay()), agent.id, rng.pick(agentPhrases[language]));
    if (escalates && !early) escalate();
    if (
      canEscalate() &&
      humanGroup !== 'L1 Frontline' &&
      humanGroup !== 'VIP Desk' &&
      rng.chance(plan.category === 'api_trading' ? 0.5 : 0.15)
    )
      escalate();
    // Back-and-forth, pending and on-hold cycles.
    const rounds = rng.weighted([
      [0, 85],
      [1, 10],
      [2, 4],
      [3, 1],
    ] as const);
    for (let r = 0; r < rounds && !life.full; r++) {
      if (rng.chance(0.4)) {
        life.update(life.now + rng.int(5, 60), agent.id, [life.change('status', 'pending')]);
      } else if (humanGroup !== 'L1 Frontline' && rng.chance(0.35)) {
        life.note(life.now + rng.int(5, 60), agent.id, internalNotes[2], [life.change('status', 'hold')]);
        life.update(life.now + rng.lognormal(6 * HOUR * slow, 0.8), agent.id, [
          life.change('status', 'open'),
        ]);
      }
      const mood: Sentiment =
        life.waited > 12 * HOUR || churnSoon
          ? 'negative'
          : rng.weighted([
              ['neutral', 68],
              ['negative', 8],
              ['positive', 24],
            ] as const);
      life.customerMessage(
        life.now + (live ? rng.lognormal(45, 0.7) : rng.lognormal(1.5 * HOUR, 1)),
        requesterId,
        plan.channel,
        customerText(rng, language, mood),
        mood,
        [...(life.status === 'pending' ? [life.change('status', 'open') as ChildEvent] : [])],
      );
      flushMergeNotes(life.now);
      if (rng.chance(0.1)) {
        const next = pickAgent(humanGroup, agent.id);
        life.update(life.now + (live ? rng.int(10, 60) : rng.int(60, 1800)), agent.id, [
          life.change('assignee_id', next.id),
        ]);
        agent = next;
      }
      life.agentReply(atDesk(life.now + replyDelay()), agent.id, rng.pick(agentPhrases[language]));
    }
    // Solve: most with the last reply; some pending tickets are solved by automation days later.
    if (!live && rng.chance(0.02)) {
      life.update(life.now + rng.int(5, 60), agent.id, [life.change('status', 'pending')]);
      life.update(life.now + 2 * DAY, systemUserId, [life.change('status', 'solved')]);
    } else {
      life.update(life.now + (live ? rng.int(5, 90) : rng.int(10, 600)), agent.id, [
        life.change('status', 'solved'),
      ]);
    }
    flushMergeNotes(life.now + 7 * DAY);
    // Reopens: the customer writes back within days (or, rarely, weeks later).
    const reopen = (after: number, ofAgent: StaffMember): void => {
      const mood: Sentiment = rng.chance(0.6) ? 'negative' : 'neutral';
      life.customerMessage(
        life.now + after,
        requesterId,
        plan.channel,
        customerText(rng, language, mood),
        mood,
        [life.change('status', 'open') as ChildEvent],
      );
      life.agentReply(atDesk(life.now + replyDelay()), ofAgent.id, rng.pick(agentPhrases[language]), [
        life.change('status', 'solved'),
      ]);
    };
    if (rng.chance(churnSoon ? 0.12 : 0.03)) reopen(rng.lognormal(DAY, 0.8) % (3 * DAY), agent);
    if (rng.chance(0.003)) {
      reopenedLate = true;
      reopen(rng.int(7 * DAY, 25 * DAY), agent);
    }
  }
  flushMergeNotes(Number.POSITIVE_INFINITY);

  // Satisfaction: offered a day after the final solve, answered by some; worse after long waits.
  const solvedAt = life.now;
  let rating: Rating | null = null;
  if (life.status === 'solved' && rng.chance(0.75)) {
    const offeredAt = solvedAt + DAY;
    const answers = rng.chance(0.35);
    const waitedHours = life.waited / HOUR;
    const pBad = Math.min(
      0.95,
      0.05 +
        0.4 * Math.min(1, waitedHours / 48) +
        (churnSoon ? 0.4 : 0) +
        (slow > 1 ? 0.1 : 0) +
        (reopenedLate ? 0.2 : 0),
    );
    const score = answers ? (rng.chance(pBad) ? 'bad' : 'good') : null;
    const commentSentiment: Sentiment | null =
      score && rng.chance(0.4) ? (score === 'good' ? 'positive' : 'negative') : null;
    const answeredAt = answers ? offeredAt + Math.round(rng.lognormal(3 * HOUR, 1)) : null;
    rating = {
      id: id,
      offeredAt,
      answeredAt,
      score,
      comment: commentSentiment ? phrase(rng, language, commentSentiment) : null,
      commentSentiment,
      reason: score === 'bad' ? rng.pick(badRatingReasons) : null,
      assigneeId: life.assigneeId,
      groupId: life.groupId,
    };
    life.update(offeredAt, systemUserId, [
      { kind: 'Change', field: 'satisfaction_score', value: 'offered', previous: 'unoffered' },
    ]);
    if (answeredAt !== null && score) {
      life.update(answeredAt, requesterId, [
        { kind: 'Change', field: 'satisfaction_score', value: score, previous: 'offered' },
      ]);
    }
  }
  const touches: number[] = [];
  if (life.status === 'solved') {
    const closeAt = Math.max(life.now, solvedAt) + closeAfterDays * DAY;
    if (rng.chance(0.1)) touches.push(solvedAt + rng.int(HOUR, 2 * DAY));
    life.update(closeAt, systemUserId, [life.change('status', 'closed')]);
  }
  return result(rating, touches);
}
