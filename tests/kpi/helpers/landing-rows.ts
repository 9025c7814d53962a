/**
 * Landing rows with defaults for every column (schema of src/landing/landing-schemas.ts), so a
 * scenario states only what it is about. Ids: end users 1xx, agents 2xx, bots 3xx; groups as the
 * simulator's (L1 101, L2 102, L2 Payments 103, L3 Engineering 104, L3 Security 105, VIP 106, Bot 107).
 */
export const group = {
  l1: 101,
  l2: 102,
  l2Payments: 103,
  l3: 104,
  security: 105,
  vip: 106,
  bot: 107,
} as const;

const groupNames: Record<number, string> = {
  101: 'L1 Frontline',
  102: 'L2 Specialists',
  103: 'L2 Payments',
  104: 'L3 Engineering',
  105: 'L3 Security',
  106: 'VIP Desk',
  107: 'Chat Bot',
};

export function groupRows(): Record<string, unknown>[] {
  return Object.entries(groupNames).map(([id, name]) => ({
    group_id: Number(id),
    name,
    is_deleted: false,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  }));
}

export function userRow(
  fields: { user_id: number; role?: string; customer_key?: string | null; is_bot?: boolean } & Record<
    string,
    unknown
  >,
): Record<string, unknown> {
  return {
    role: 'end-user',
    customer_key: fields.role && fields.role !== 'end-user' ? null : `ck-${fields.user_id}`,
    locale: 'en-US',
    organization_id: null,
    default_group_id: null,
    is_bot: false,
    is_active: true,
    is_suspended: false,
    tags: '[]',
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...fields,
  };
}

export function ticketRow(
  fields: { ticket_id: number; created_at: string } & Record<string, unknown>,
): Record<string, unknown> {
  const updated = String(fields.updated_at ?? fields.created_at);
  return {
    requester_id: 101,
    submitter_id: fields.requester_id ?? 101,
    assignee_id: null,
    group_id: group.l1,
    organization_id: null,
    brand_id: null,
    status: 'open',
    priority: 'normal',
    ticket_type: null,
    via_channel: 'email',
    category: 'fees',
    language: 'en',
    tags: '[]',
    custom_fields: '[]',
    is_deleted: false,
    updated_at: updated,
    generated_timestamp: Math.floor(Date.parse(updated) / 1000),
    ...fields,
  };
}

let nextId = 1_000_000;

export function commentRow(
  fields: { ticket_id: number; author_id: number; created_at: string } & Record<string, unknown>,
): Record<string, unknown> {
  const id = nextId++;
  return { comment_id: id, audit_id: id, is_public: true, via_channel: 'web', body_chars: 20, ...fields };
}

/** A field change; `Create` events set the initial value at creation. */
export function eventRow(
  fields: { ticket_id: number; created_at: string; field_name: string; value: string | null } & Record<
    string,
    unknown
  >,
): Record<string, unknown> {
  const id = nextId++;
  return {
    event_id: id,
    audit_id: id,
    updater_id: null,
    via_channel: 'web',
    event_type: 'Change',
    previous_value: null,
    ...fields,
  };
}

/** Status history of a ticket: `[[at, status], …]`, the first one the Create event. */
export function statusEvents(
  ticketId: number,
  steps: readonly (readonly [string, string])[],
): Record<string, unknown>[] {
  return steps.map(([at, status], i) =>
    eventRow({
      ticket_id: ticketId,
      created_at: at,
      field_name: 'status',
      value: status,
      previous_value: i === 0 ? null : steps[i - 1]![1],
      event_type: i === 0 ? 'Create' : 'Change',
    }),
  );
}

/** Group history of a ticket: `[[at, group id], …]`, the first one the Create event. */
export function groupEvents(
  ticketId: number,
  steps: readonly (readonly [string, number])[],
  updaterId: number | null = null,
) {
  return steps.map(([at, id], i) =>
    eventRow({
      ticket_id: ticketId,
      created_at: at,
      field_name: 'group_id',
      value: String(id),
      previous_value: i === 0 ? null : String(steps[i - 1]![1]),
      event_type: i === 0 ? 'Create' : 'Change',
      updater_id: updaterId,
    }),
  );
}

export function ratingRow(
  fields: { rating_id: number; ticket_id: number; score: string; created_at: string } & Record<
    string,
    unknown
  >,
): Record<string, unknown> {
  return {
    requester_id: null,
    assignee_id: null,
    group_id: null,
    reason: null,
    updated_at: fields.created_at,
    ...fields,
  };
}

export function snapshotRow(
  fields: { contact_id: string; customer_key: string; valid_from: string } & Record<string, unknown>,
): Record<string, unknown> {
  return { vip_tier: 'none', kyc_level: 'basic', last_trade_at: null, ...fields };
}

export function sentimentRow(fields: { comment_id: number; ticket_id: number; sentiment_score: number }) {
  return { language: 'en', analyser: 'test', analysed_at: '2026-01-01T00:00:00Z', ...fields };
}

/** One solved ticket's rows: created (the requester writes), replied to by `agent`, solved. */
export interface SolvedTicketRows {
  readonly ticket: Record<string, unknown>;
  readonly events: Record<string, unknown>[];
  readonly comments: Record<string, unknown>[];
}

export function solvedTicketRows(t: {
  id: number;
  requester: number;
  /** Replies; also the assignee unless `assigned` is false. */
  agent: number;
  assigned?: boolean;
  createdAt: string;
  repliedAt: string;
  solvedAt: string;
}): SolvedTicketRows {
  return {
    ticket: ticketRow({
      ticket_id: t.id,
      requester_id: t.requester,
      ...(t.assigned === false ? {} : { assignee_id: t.agent }),
      created_at: t.createdAt,
      updated_at: t.solvedAt,
      status: 'solved',
    }),
    events: statusEvents(t.id, [
      [t.createdAt, 'new'],
      [t.repliedAt, 'open'],
      [t.solvedAt, 'solved'],
    ]),
    comments: [
      commentRow({ ticket_id: t.id, author_id: t.requester, created_at: t.createdAt }),
      commentRow({ ticket_id: t.id, author_id: t.agent, created_at: t.repliedAt }),
    ],
  };
}
