import { nextBusinessTime } from './business-hours.ts';
import { customerText } from './customer-text.ts';
import type { ChildEvent } from './life-builder.ts';
import { agentPhrases, internalNotes, type Sentiment } from './phrase-banks.ts';
import type { TicketScene } from './ticket-opening.ts';
import { type Category, type Channel, type GroupName, groupByName } from './world-catalog.ts';
import { type StaffMember, systemUserId } from './world-people.ts';

const DAY = 86400;
const HOUR = 3600;

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

/**
 * A ticket in human hands, from assignment to its final solve: first reply, escalations, the
 * back-and-forth with pending and on-hold cycles, the solve, and reopens. Returns whether the
 * ticket was reopened weeks later (a customer who comes back that late rates worse).
 */
export function handleByHumans(scene: TicketScene): boolean {
  return new HumanHandling(scene).run();
}

class HumanHandling {
  /** The line that has the ticket now (moves up with escalations). */
  private group: GroupName;
  private agent: StaffMember;
  /** Live conversations and security incidents are picked up at once. */
  private readonly quick: boolean;

  constructor(private readonly s: TicketScene) {
    this.group = s.humanGroupName;
    this.quick = s.live || s.security;
    this.agent = s.creatorAgent ?? s.pickAgent(this.group);
  }

  run(): boolean {
    const { rng, life, plan, creatorAgent } = this.s;
    if (!creatorAgent) this.assign();
    const escalates = this.canEscalate() && rng.chance(escalationChance[plan.category]);
    const early = escalates && rng.chance(0.75);
    if (early) this.escalate();
    if (rng.chance(0.2))
      life.note(
        life.now + (this.quick ? rng.int(3, 15) : rng.int(30, 900)),
        this.agent.id,
        rng.pick(internalNotes),
      );
    this.s.flushMergeNotes(life.now);
    if (creatorAgent) {
      // The agent opened the ticket with a public comment; the customer answers it.
      life.customerMessage(
        life.now + rng.lognormal(2 * HOUR, 1),
        this.s.requesterId,
        plan.channel,
        customerText(rng, this.s.language, 'neutral'),
        'neutral',
      );
    }
    this.reply();
    if (escalates && !early) this.escalate();
    if (
      this.canEscalate() &&
      this.group !== 'L1 Frontline' &&
      this.group !== 'VIP Desk' &&
      rng.chance(plan.category === 'api_trading' ? 0.5 : 0.15)
    )
      this.escalate();
    this.backAndForth();
    this.solve();
    this.s.flushMergeNotes(life.now + 7 * DAY);
    return this.reopens();
  }

  /** The VIP desk takes calls in business hours; its written channels are staffed 24/7. */
  private businessDesk(): boolean {
    return groupByName(this.group).businessHours && this.s.plan.channel === 'voice';
  }

  /** Work queued overnight is picked up through the first 20 minutes after opening, not all at 09:00:00. */
  private atDesk(ts: number): number {
    if (!this.businessDesk()) return ts;
    const open = nextBusinessTime(ts);
    return open === ts ? ts : open + this.s.rng.int(0, 1200);
  }

  private assign(): void {
    const { rng, life, live, slow } = this.s;
    // On a crash day the live queue backs up (5–10× the chats for the same staff): minutes, not seconds.
    const queued = live && slow > 1 ? rng.lognormal(60 * (slow - 1), 0.6) : 0;
    const assignAt = this.atDesk(
      life.now + queued + (this.quick ? rng.lognormal(8 * slow, 0.5) : rng.lognormal(120 * slow, 1)),
    );
    life.update(assignAt, this.agent.id, [
      life.change('assignee_id', this.agent.id),
      life.change('status', 'open'),
    ]);
  }

  private replyDelay(): number {
    const { rng, plan, slow, isVip, live, priority, security } = this.s;
    let median = firstReplyMedian[plan.channel] * slow;
    if (isVip) median *= live ? 0.7 : 0.3;
    if (priority === 'urgent' || priority === 'high') median *= 0.7;
    // Security incidents have their own fast lane on every channel.
    if (security) median = Math.min(median, 50 * slow);
    return rng.lognormal(median, live || security ? 0.6 : 0.7);
  }

  /** The agent's next public reply, when the desk gets to it. */
  private reply(): void {
    const { rng, life, language } = this.s;
    life.agentReply(
      this.atDesk(life.now + this.replyDelay()),
      this.agent.id,
      rng.pick(agentPhrases[language]),
    );
  }

  private canEscalate(): boolean {
    return this.group !== 'L3 Security' && this.group !== 'L3 Engineering';
  }

  /** Early escalation, before any reply: the front line recognises a specialist topic at once. */
  private escalate(): void {
    const { rng, life, plan, slow, wallet } = this.s;
    const target: GroupName =
      this.group === 'L2 Specialists' || this.group === 'L2 Payments'
        ? 'L3 Engineering'
        : wallet || plan.category === 'fees'
          ? 'L2 Payments'
          : 'L2 Specialists';
    const next = this.s.pickAgent(target);
    const at = life.now + (this.quick ? rng.lognormal(90 * slow, 0.6) : rng.lognormal(300 * slow, 0.8));
    life.note(at, this.agent.id, internalNotes[1], [
      life.change('group_id', groupByName(target).id),
      life.change('assignee_id', next.id),
      life.change('tags', life.tags.includes('escalated') ? life.tags : [...life.tags, 'escalated']),
    ]);
    this.group = target;
    this.agent = next;
  }

  /** Back-and-forth, pending and on-hold cycles. */
  private backAndForth(): void {
    const { rng, life, plan, live, slow, churnSoon, requesterId, language } = this.s;
    const rounds = rng.weighted([
      [0, 85],
      [1, 10],
      [2, 4],
      [3, 1],
    ] as const);
    for (let r = 0; r < rounds && !life.full; r++) {
      if (rng.chance(0.4)) {
        life.update(life.now + rng.int(5, 60), this.agent.id, [life.change('status', 'pending')]);
      } else if (this.group !== 'L1 Frontline' && rng.chance(0.35)) {
        life.note(life.now + rng.int(5, 60), this.agent.id, internalNotes[2], [
          life.change('status', 'hold'),
        ]);
        life.update(life.now + rng.lognormal(6 * HOUR * slow, 0.8), this.agent.id, [
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
      this.s.flushMergeNotes(life.now);
      if (rng.chance(0.1)) {
        const next = this.s.pickAgent(this.group, this.agent.id);
        life.update(life.now + (live ? rng.int(10, 60) : rng.int(60, 1800)), this.agent.id, [
          life.change('assignee_id', next.id),
        ]);
        this.agent = next;
      }
      this.reply();
    }
  }

  /** Solve: most with the last reply; some pending tickets are solved by automation days later. */
  private solve(): void {
    const { rng, life, live } = this.s;
    if (!live && rng.chance(0.02)) {
      life.update(life.now + rng.int(5, 60), this.agent.id, [life.change('status', 'pending')]);
      life.update(life.now + 2 * DAY, systemUserId, [life.change('status', 'solved')]);
    } else {
      life.update(life.now + (live ? rng.int(5, 90) : rng.int(10, 600)), this.agent.id, [
        life.change('status', 'solved'),
      ]);
    }
  }

  /** Reopens: the customer writes back within days (or, rarely, weeks later). Returns "weeks later". */
  private reopens(): boolean {
    const { rng, churnSoon } = this.s;
    if (rng.chance(churnSoon ? 0.12 : 0.03)) this.reopen(rng.lognormal(DAY, 0.8) % (3 * DAY));
    if (rng.chance(0.003)) {
      this.reopen(rng.int(7 * DAY, 25 * DAY));
      return true;
    }
    return false;
  }

  private reopen(after: number): void {
    const { rng, life, plan, requesterId, language } = this.s;
    const mood: Sentiment = rng.chance(0.6) ? 'negative' : 'neutral';
    life.customerMessage(
      life.now + after,
      requesterId,
      plan.channel,
      customerText(rng, language, mood),
      mood,
      [life.change('status', 'open') as ChildEvent],
    );
    life.agentReply(
      this.atDesk(life.now + this.replyDelay()),
      this.agent.id,
      rng.pick(agentPhrases[language]),
      [life.change('status', 'solved')],
    );
  }
}
