import type { CrmWorld } from './crm-world.ts';
import { ticketIdOf } from './day-plan.ts';
import { isMalformed, type MalformedEntity } from './malformed-records.ts';
import type { Sentiment } from './phrase-banks.ts';
import { SimulatedWorld } from './simulated-world.ts';
import type { TicketLife } from './ticket-life.ts';
import { groupById, groups, type Tier } from './world-catalog.ts';
import { contactIdBase, customerIdBase } from './world-people.ts';
import { childEventIds, isoSeconds } from './zendesk-records.ts';

/** What the world knows about one ticket as of the clock (computed from its own audits). */
export interface TicketFacts {
  readonly ticketId: number;
  readonly createdAt: string;
  readonly status: string;
  readonly isDeleted: boolean;
  readonly channel: string;
  readonly category: string;
  readonly language: string;
  readonly priority: string | null;
  readonly requesterId: number;
  readonly contactId: string;
  readonly vipTier: string;
  readonly groupName: string | null;
  readonly isAgentCreated: boolean;
  readonly isMergedAway: boolean;
  /** First public reply by a human agent or the bot (the opening comment excluded). */
  readonly firstResponseAt: string | null;
  /** First public reply by a human agent (the opening comment of an agent-created ticket excluded). */
  readonly firstReplyAt: string | null;
  readonly firstReplyTimeS: number | null;
  readonly agentReplyCount: number;
  readonly customerMessageCount: number;
  readonly isEscalated: boolean;
  readonly escalatedAt: string | null;
  readonly maxTier: Tier | null;
  readonly isBotHandled: boolean;
  readonly isBotContained: boolean;
  readonly firstSolvedAt: string | null;
  readonly lastSolvedAt: string | null;
  readonly reopenCount: number;
  readonly groupTransferCount: number;
  readonly csatOffered: boolean;
  readonly csatScore: 'good' | 'bad' | null;
  readonly isMalformed: boolean;
  readonly isCrashDay: boolean;
}

export interface CustomerMessageTruth {
  readonly commentId: number;
  readonly ticketId: number;
  readonly language: string;
  readonly sentiment: Sentiment;
  readonly body: string;
  readonly createdAt: string;
}

export type TruthEntity =
  | 'tickets'
  | 'ticket_events'
  | 'child_events'
  | 'comments'
  | 'users'
  | 'groups'
  | 'satisfaction_ratings'
  | 'contacts'
  | 'survey_responses';

const tierRank: Record<Tier, number> = { BOT: 1, L1: 1, VIP: 1, L2: 2, L3: 3 };
const unsolved = new Set(['new', 'open', 'pending', 'hold']);

/**
 * Ground truth for completeness and KPI checks, streamed (never the whole world in memory).
 * Visibility matches the APIs: the incremental ticket-desk exports never show the last minute
 * before the clock (a ticket updated within it is not exportable yet); everything else is "as of now".
 */
export class GroundTruth {
  constructor(
    private readonly world: SimulatedWorld,
    private readonly crm: CrmWorld,
  ) {}

  private get now(): number {
    return this.world.clock.nowSeconds();
  }

  /** Unix seconds up to which the incremental exports show changes. */
  exportCutoff(): number {
    return this.now - 60;
  }

  private *visibleLives(): Generator<TicketLife> {
    const now = this.now;
    const cutoff = now - 60;
    const lastDay = this.world.dayOf(cutoff);
    for (let d = 0; d <= lastDay; d++) {
      const idx = this.world.dayIndex(d);
      for (let i = 0; i < idx.count; i++) {
        const g = SimulatedWorld.generatedAt(idx, i, now);
        if (g === 0 || g > cutoff) continue;
        yield this.world.life(d, i);
      }
    }
  }

  /** Tickets an export at this moment returns (each once), with what the world knows about them. */
  async *tickets(): AsyncGenerator<TicketFacts> {
    for (const life of this.visibleLives()) yield this.facts(life);
  }

  async *ticketIds(): AsyncGenerator<number> {
    for (const life of this.visibleLives()) yield life.id;
  }

  private *visibleAudits(): Generator<{ life: TicketLife; audit: TicketLife['audits'][number] }> {
    const cutoff = this.exportCutoff();
    const lastDay = this.world.dayOf(cutoff);
    for (let d = 0; d <= lastDay; d++) {
      const count = this.world.dayIndex(d).count;
      for (let i = 0; i < count; i++) {
        const life = this.world.life(d, i);
        for (const audit of life.audits) if (audit.at <= cutoff) yield { life, audit };
      }
    }
  }

  /** Ticket events (audits) with a timestamp up to the export cutoff. */
  async *ticketEventIds(): AsyncGenerator<number> {
    for (const { audit } of this.visibleAudits()) yield audit.id;
  }

  /** Create and Change child events (one per custom field) up to the export cutoff. */
  async *childEventIds(): AsyncGenerator<number> {
    for (const { audit } of this.visibleAudits()) {
      for (const { id, event } of childEventIds(audit, false)) {
        if (event.kind === 'Comment') continue;
        if (event.field === 'custom_fields')
          for (let j = 0; j < (event.value as unknown[]).length; j++) yield id + j;
        else yield id;
      }
    }
  }

  async *commentIds(): AsyncGenerator<number> {
    for (const { audit } of this.visibleAudits()) {
      for (const { id, event } of childEventIds(audit, true)) if (event.kind === 'Comment') yield id;
    }
  }

  /** Every customer message (public end-user comment) with its known sentiment label. */
  async *customerMessages(): AsyncGenerator<CustomerMessageTruth> {
    for (const { life, audit } of this.visibleAudits()) {
      for (const { id, event } of childEventIds(audit, true)) {
        if (event.kind === 'Comment' && event.sentiment !== null && event.authorId === life.requesterId) {
          yield {
            commentId: id,
            ticketId: life.id,
            language: life.language,
            sentiment: event.sentiment,
            body: event.body,
            createdAt: isoSeconds(audit.at),
          };
        }
      }
    }
  }

  async *userIds(): AsyncGenerator<number> {
    const cutoff = this.exportCutoff();
    const people = this.world.people;
    for (const s of people.staff) if (s.createdAt <= cutoff) yield s.id;
    for (let k = 0; k < people.customerCount && people.customerCreatedAt(k) <= cutoff; k++)
      yield customerIdBase + k;
  }

  async *groupIds(): AsyncGenerator<number> {
    for (const g of groups) yield g.id;
  }

  /** Ratings offered by now (ids equal their ticket ids). */
  async *satisfactionRatingIds(): AsyncGenerator<number> {
    const now = this.now;
    const lastDay = this.world.dayOf(now);
    for (let d = 0; d <= lastDay; d++) {
      const idx = this.world.dayIndex(d);
      for (let i = 0; i < idx.count; i++) {
        const offered = idx.ratingOffered[i] as number;
        if (offered !== 0 && offered <= now) yield ticketIdOf(d, i);
      }
    }
  }

  async *contactIds(): AsyncGenerator<string> {
    const nowMs = this.world.clock.nowMs();
    for (let n = 0; n < this.crm.contactCount; n++)
      if (this.crm.createdMsOf(n) <= nowMs) yield String(contactIdBase + n);
  }

  async *surveyResponseIds(): AsyncGenerator<string> {
    for (const f of this.crm.feedbackAfter(0, this.world.clock.nowMs(), Number.MAX_SAFE_INTEGER))
      yield String(f.id);
  }

  /** Ids of one entity as a Set (fine for the small worlds of tests; stream the others). */
  async idSet(entity: TruthEntity): Promise<Set<number | string>> {
    const out = new Set<number | string>();
    for await (const id of this.ids(entity)) out.add(id);
    return out;
  }

  ids(entity: TruthEntity): AsyncIterable<number | string> {
    switch (entity) {
      case 'tickets':
        return this.ticketIds();
      case 'ticket_events':
        return this.ticketEventIds();
      case 'child_events':
        return this.childEventIds();
      case 'comments':
        return this.commentIds();
      case 'users':
        return this.userIds();
      case 'groups':
        return this.groupIds();
      case 'satisfaction_ratings':
        return this.satisfactionRatingIds();
      case 'contacts':
        return this.contactIds();
      case 'survey_responses':
        return this.surveyResponseIds();
    }
  }

  /** Whether the API serves this record malformed (deterministic: on every read). */
  isMalformed(entity: MalformedEntity, id: number | string): boolean {
    return isMalformed(this.world.params.seed, this.world.config.faults.malformedRate, entity, id);
  }

  async *malformedIds(entity: MalformedEntity): AsyncGenerator<number | string> {
    const source: TruthEntity =
      entity === 'feedback_submissions'
        ? 'survey_responses'
        : entity === 'ticket_events'
          ? 'ticket_events'
          : entity;
    for await (const id of this.ids(source)) if (this.isMalformed(entity, id)) yield id;
  }

  facts(life: TicketLife): TicketFacts {
    const now = this.now;
    const people = this.world.people;
    const state = this.world.ticketState(life, now);
    const isBot = (id: number): boolean => people.staffById(id)?.isBot === true;
    const isHuman = (id: number): boolean => people.staffById(id) !== undefined && !isBot(id);
    let firstResponse: number | null = null;
    let firstReply: number | null = null;
    let agentReplies = 0;
    let customerMessages = 0;
    let botReplied = false;
    let escalatedAt: number | null = null;
    let maxTier: Tier | null = null;
    let status = '';
    let groupId: number | null = null;
    let firstSolved: number | null = null;
    let lastSolved: number | null = null;
    let reopens = 0;
    let transfers = 0;
    life.audits.forEach((audit, n) => {
      if (audit.at > now) return;
      for (const e of audit.events) {
        if (e.kind === 'Comment') {
          if (!e.isPublic) continue;
          if (e.authorId === life.requesterId) customerMessages++;
          if (n === 0) continue; // the opening comment is not a reply
          if (isHuman(e.authorId)) {
            agentReplies++;
            firstReply ??= audit.at;
            firstResponse ??= audit.at;
          } else if (isBot(e.authorId)) {
            botReplied = true;
            firstResponse ??= audit.at;
          }
          continue;
        }
        if (e.field === 'group_id') {
          const g = groupById(e.value as number);
          if (g) {
            if (n > 0) transfers++;
            if (groupId !== null) {
              const before = groupById(groupId);
              if (before && tierRank[g.tier] > tierRank[before.tier] && escalatedAt === null)
                escalatedAt = audit.at;
            }
            if (g.tier !== 'BOT' && (maxTier === null || tierRank[g.tier] > tierRank[maxTier]))
              maxTier = g.tier;
            groupId = g.id;
          }
        }
        if (e.field === 'status') {
          const next = e.value as string;
          if ((status === 'solved' || status === 'closed') && unsolved.has(next)) reopens++;
          if (next === 'solved' || (next === 'closed' && status !== 'solved')) {
            firstSolved ??= audit.at;
            lastSolved = audit.at;
          }
          status = next;
        }
      }
    });
    const customer = people.customer(life.requesterId - customerIdBase);
    const rating = life.rating;
    const offered = rating !== null && rating.offeredAt <= now;
    const answered = offered && rating.answeredAt !== null && rating.answeredAt <= now;
    const solved = state.status === 'solved' || state.status === 'closed';
    const iso = (t: number | null): string | null => (t === null ? null : isoSeconds(t));
    return {
      ticketId: life.id,
      createdAt: isoSeconds(life.createdAt),
      status: state.status,
      isDeleted: state.status === 'deleted',
      channel: life.channel,
      category: life.category,
      language: life.language,
      priority: state.priority,
      requesterId: life.requesterId,
      contactId: String(customer.contactId),
      vipTier: life.vipTier,
      groupName: groupById(state.groupId)?.name ?? null,
      isAgentCreated: life.plan.agentCreated,
      isMergedAway: life.plan.mergeInto !== null && life.plan.mergeInto.at <= now,
      firstResponseAt: iso(firstResponse),
      firstReplyAt: iso(firstReply),
      firstReplyTimeS: firstReply === null ? null : firstReply - life.createdAt,
      agentReplyCount: agentReplies,
      customerMessageCount: customerMessages,
      isEscalated: escalatedAt !== null,
      escalatedAt: iso(escalatedAt),
      maxTier,
      isBotHandled: botReplied,
      isBotContained: botReplied && solved && agentReplies === 0,
      firstSolvedAt: iso(firstSolved),
      lastSolvedAt: iso(lastSolved),
      reopenCount: reopens,
      groupTransferCount: transfers,
      csatOffered: offered,
      csatScore: answered ? rating.score : null,
      isMalformed: this.isMalformed('tickets', life.id),
      isCrashDay: this.world.plan(life.day).isCrashDay,
    };
  }
}
