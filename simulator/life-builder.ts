import type { Sentiment } from './phrase-banks.ts';
import type { Rng } from './prng.ts';
import { systemUserId } from './world-people.ts';

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

/** Builds one ticket's whole life; everything past the world's clock is simply not served yet. */
export class LifeBuilder {
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
