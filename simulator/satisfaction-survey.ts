import { phrase } from './customer-text.ts';
import { badRatingReasons, type Sentiment } from './phrase-banks.ts';
import type { TicketScene } from './ticket-opening.ts';
import { systemUserId } from './world-people.ts';

const DAY = 86400;
const HOUR = 3600;

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

/**
 * Satisfaction: offered a day after the final solve (`solvedAt`), answered by some; worse after
 * long waits, for customers about to leave, on crash days and after a late reopen.
 */
export function surveySatisfaction(
  scene: TicketScene,
  solvedAt: number,
  reopenedLate: boolean,
): Rating | null {
  const { rng, life, id, language, churnSoon, slow, requesterId } = scene;
  if (!(life.status === 'solved' && rng.chance(0.75))) return null;
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
  const rating: Rating = {
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
  return rating;
}
