import { customerText } from './customer-text.ts';
import { type DayPlan, liveChannels, type PlannedTicket, ticketIdOf, type WorldParams } from './day-plan.ts';
import { type ChildEvent, LifeBuilder } from './life-builder.ts';
import { agentPhrases, type Sentiment, subjects } from './phrase-banks.ts';
import { Rng } from './prng.ts';
import {
  type Category,
  categoryFieldId,
  type GroupName,
  groupByName,
  type Language,
  languageFieldId,
  type Priority,
  securityCategories,
  type VipTier,
  walletCategories,
} from './world-catalog.ts';
import type { Customer, StaffMember, WorldPeople } from './world-people.ts';

const DAY = 86400;

export interface LifeContext {
  readonly params: WorldParams;
  readonly people: WorldPeople;
  plan(day: number): DayPlan;
}

/** Dispute contact reasons go straight to a human: the bot cannot judge them. */
const disputeCategories: readonly Category[] = ['futures_liquidation_dispute', 'p2p_dispute'];

/**
 * One ticket as it was opened: who, how, about what, in which mood, and the life being built.
 * Every later stage of the ticket's life (bot, humans, survey, closing) reads it and adds to `life`,
 * drawing from the ticket's one `rng` in a fixed order: that order is what makes a life reproducible.
 */
export interface TicketScene {
  readonly id: number;
  readonly day: number;
  readonly plan: PlannedTicket;
  readonly rng: Rng;
  readonly people: WorldPeople;
  readonly life: LifeBuilder;
  readonly createdAt: number;
  readonly requesterId: number;
  readonly submitterId: number;
  /** The channel of the opening audit (`web` for a ticket an agent opened). */
  readonly channel: string;
  readonly language: Language;
  readonly vipTier: VipTier;
  readonly isVip: boolean;
  readonly security: boolean;
  readonly wallet: boolean;
  /** A conversation held in real time (the customer waits on the other side). */
  readonly live: boolean;
  /** The customer leaves within a week of writing. */
  readonly churnSoon: boolean;
  /** The day's reply slowdown (1 on ordinary days). */
  readonly slow: number;
  readonly priority: Priority;
  /** The bot greets this chat before a human sees it. */
  readonly chatBot: boolean;
  readonly opening: Sentiment;
  readonly subject: string;
  readonly description: string;
  /** The human line the ticket goes to (after the bot, if any). */
  readonly humanGroupName: GroupName;
  /** The agent who opened the ticket (an outbound ticket), or null. */
  readonly creatorAgent: StaffMember | null;
  /** An agent of group `name`, another than `not` when the group has one. */
  pickAgent(name: GroupName, not?: number | null): StaffMember;
  /** Notes the merges of follow-ups into this ticket that happened up to `until`. */
  flushMergeNotes(until: number): void;
}

/** Opens ticket (day, index): its first audit, with the comment and the fields it was created with. */
export function openTicket(ctx: LifeContext, day: number, index: number): TicketScene {
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
  return {
    id,
    day,
    plan,
    rng,
    people,
    life,
    createdAt,
    requesterId,
    submitterId,
    channel,
    language,
    vipTier,
    isVip,
    security,
    wallet,
    live,
    churnSoon,
    slow,
    priority,
    chatBot,
    opening,
    subject,
    description,
    humanGroupName,
    creatorAgent,
    pickAgent,
    flushMergeNotes,
  };
}
