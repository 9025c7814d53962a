import { botConversation } from './bot-conversation.ts';
import { type PlannedTicket, ticketIdOf } from './day-plan.ts';
import { handleByHumans } from './human-handling.ts';
import type { Audit, ChildEvent } from './life-builder.ts';
import { type Rating, surveySatisfaction } from './satisfaction-survey.ts';
import { type LifeContext, openTicket, type TicketScene } from './ticket-opening.ts';
import type { Category, Channel, Language, VipTier } from './world-catalog.ts';
import { systemUserId } from './world-people.ts';

const DAY = 86400;
const HOUR = 3600;
/** Every update of a ticket happens within this many days of its creation (bounds the index scans). */
export const lifeMaxDays = 70;
/** Solved tickets are closed by the desk's automation this long after the last solve. */
export const closeAfterDays = 28;

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
 * Deterministic life of ticket (day, index): same seed, same life, whatever else was generated.
 * Opened, then deleted as spam, merged into an earlier ticket, or handled (by the bot, by humans),
 * surveyed and closed; each stage draws from the ticket's own random stream in this order.
 */
export function generateTicketLife(ctx: LifeContext, day: number, index: number): TicketLife {
  const scene = openTicket(ctx, day, index);
  const { rng, life, plan } = scene;

  // Spam: deleted soon after creation.
  if (!plan.agentCreated && plan.followUpOf === null && rng.chance(0.004)) {
    life.update(scene.createdAt + rng.int(300, 2 * HOUR), scene.pickAgent('L1 Frontline').id, [
      life.change('status', 'deleted'),
    ]);
    return lifeOf(scene, null, []);
  }

  // A follow-up merged into the customer's earlier ticket.
  if (plan.mergeInto) {
    const agent = scene.pickAgent(scene.humanGroupName);
    life.add(plan.mergeInto.at, agent.id, 'web', [
      {
        kind: 'Comment',
        body: `This request was closed and merged into request #${ticketIdOf(scene.day, plan.mergeInto.index)}.`,
        isPublic: true,
        authorId: agent.id,
        sentiment: null,
      },
      life.change('status', 'closed') as ChildEvent,
      life.change('tags', [...life.tags, 'closed_by_merge']) as ChildEvent,
    ]);
    return lifeOf(scene, null, []);
  }

  const solvedByBot = scene.chatBot && botConversation(scene);
  const reopenedLate = solvedByBot ? false : handleByHumans(scene);
  scene.flushMergeNotes(Number.POSITIVE_INFINITY);

  const solvedAt = life.now;
  const rating = surveySatisfaction(scene, solvedAt, reopenedLate);
  const touches: number[] = [];
  if (life.status === 'solved') {
    const closeAt = Math.max(life.now, solvedAt) + closeAfterDays * DAY;
    if (rng.chance(0.1)) touches.push(solvedAt + rng.int(HOUR, 2 * DAY));
    life.update(closeAt, systemUserId, [life.change('status', 'closed')]);
  }
  return lifeOf(scene, rating, touches);
}

/** The life as served: what happens past `lifeMaxDays` after creation is cut off. */
function lifeOf(scene: TicketScene, rating: Rating | null, touches: number[]): TicketLife {
  const { createdAt } = scene;
  return {
    id: scene.id,
    day: scene.day,
    plan: scene.plan,
    createdAt,
    requesterId: scene.requesterId,
    submitterId: scene.submitterId,
    channel: scene.channel as Channel,
    category: scene.plan.category,
    language: scene.language,
    vipTier: scene.vipTier,
    subject: scene.subject,
    description: scene.description,
    audits: scene.life.audits.filter((a) => a.at <= createdAt + lifeMaxDays * DAY),
    systemTouches: touches.filter((t) => t <= createdAt + lifeMaxDays * DAY),
    rating,
  };
}
