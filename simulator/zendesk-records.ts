import type { Audit, ChildEvent } from './life-builder.ts';
import type { TicketState } from './simulated-world.ts';
import type { TicketLife } from './ticket-life.ts';
import { type GroupSpec, groupsCreatedAt } from './world-catalog.ts';
import type { Customer, StaffMember } from './world-people.ts';

/** Zendesk renders times as ISO-8601 UTC without milliseconds. */
export function isoSeconds(ts: number): string {
  return new Date(ts * 1000).toISOString().replace('.000Z', 'Z');
}

export const brandId = 360000000001;
export const ticketFormId = 360000000011;

function via(channel: string): { channel: string; source: { from: object; to: object; rel: string | null } } {
  return { channel, source: { from: {}, to: {}, rel: channel === 'chat' ? 'zopim_chat' : null } };
}

export function renderTicket(
  base: string,
  life: TicketLife,
  state: TicketState,
  rating: TicketLife['rating'],
): Record<string, unknown> {
  let satisfaction: Record<string, unknown> = { score: 'unoffered' };
  if (rating && state.satisfaction !== 'unoffered') {
    satisfaction =
      state.satisfaction === 'offered'
        ? { id: rating.id, score: 'offered', comment: null, reason: null }
        : { id: rating.id, score: state.satisfaction, comment: rating.comment, reason: rating.reason };
  }
  return {
    url: `${base}/api/v2/tickets/${life.id}.json`,
    id: life.id,
    external_id: null,
    via: via(life.channel),
    created_at: isoSeconds(life.createdAt),
    updated_at: isoSeconds(state.updatedAt),
    generated_timestamp: state.generatedTimestamp,
    type: state.type,
    subject: life.subject,
    raw_subject: life.subject,
    description: life.description,
    priority: state.priority,
    status: state.status,
    recipient: life.channel === 'email' ? 'support@exchange.example' : null,
    requester_id: life.requesterId,
    submitter_id: life.submitterId,
    assignee_id: state.assigneeId,
    organization_id: null,
    group_id: state.groupId,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    forum_topic_id: null,
    problem_id: null,
    has_incidents: false,
    is_public: true,
    due_at: null,
    tags: state.tags,
    custom_fields: state.customFields,
    fields: state.customFields,
    satisfaction_rating: satisfaction,
    sharing_agreement_ids: [],
    followup_ids: [],
    ticket_form_id: ticketFormId,
    brand_id: brandId,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: life.channel === 'chat',
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Audit trails carry field values as text (ids included); tags stay arrays. */
function auditValue(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}

function renderChild(audit: Audit, e: ChildEvent, childId: number): Record<string, unknown>[] {
  const common = { id: childId, via: via(audit.channel), via_reference_id: null };
  if (e.kind === 'Comment') {
    return [
      {
        ...common,
        type: 'Comment',
        event_type: 'Comment',
        author_id: e.authorId,
        body: e.body,
        html_body: `<div class="zd-comment" dir="auto"><p dir="auto">${escapeHtml(e.body)}</p></div>`,
        plain_body: e.body,
        public: e.isPublic,
        attachments: [],
        audit_id: audit.id,
        created_at: isoSeconds(audit.at),
      },
    ];
  }
  // Custom fields change one field at a time in the audit trail, named by the field id.
  if (e.field === 'custom_fields') {
    const values = e.value as readonly { id: number; value: string | null }[];
    return values.map((f, i) => ({
      ...common,
      id: childId + i,
      event_type: e.kind,
      field_name: String(f.id),
      value: f.value,
      ...(e.kind === 'Change' ? { previous_value: null } : {}),
    }));
  }
  return [
    {
      ...common,
      event_type: e.kind,
      field_name: e.field,
      value: auditValue(e.value),
      ...(e.kind === 'Change' ? { previous_value: auditValue(e.previous) } : {}),
    },
  ];
}

/** Child event ids: audit id × 100 + position (custom fields take one id each). */
export function childEventIds(audit: Audit, withComments: boolean): { id: number; event: ChildEvent }[] {
  const out: { id: number; event: ChildEvent }[] = [];
  let position = 0;
  for (const e of audit.events) {
    const id = audit.id * 100 + position;
    position += e.kind !== 'Comment' && e.field === 'custom_fields' ? (e.value as unknown[]).length : 1;
    if (e.kind === 'Comment' && !withComments) continue;
    out.push({ id, event: e });
  }
  return out;
}

export function renderTicketEvent(
  life: TicketLife,
  audit: Audit,
  withComments: boolean,
): Record<string, unknown> {
  const comments = audit.events.filter((e) => e.kind === 'Comment');
  const children = childEventIds(audit, withComments).flatMap(({ id, event }) =>
    renderChild(audit, event, id),
  );
  return {
    id: audit.id,
    ticket_id: life.id,
    timestamp: audit.at,
    created_at: isoSeconds(audit.at),
    updater_id: audit.updaterId,
    via: via(audit.channel),
    system: { client: 'Mozilla/5.0', ip_address: null, latitude: null, location: null, longitude: null },
    event_type: 'Audit',
    merged_ticket_ids: [],
    ...(withComments
      ? {}
      : {
          comment_present: comments.length > 0,
          comment_public: comments.some((c) => c.kind === 'Comment' && c.isPublic),
        }),
    child_events: children,
  };
}

export function renderStaffUser(base: string, s: StaffMember): Record<string, unknown> {
  return userShape(base, {
    id: s.id,
    name: s.name,
    email: s.email,
    phone: null,
    role: s.role,
    locale: 'en-US',
    defaultGroupId: s.groupId,
    tags: s.isBot ? ['bot'] : [],
    suspended: false,
    createdAt: s.createdAt,
  });
}

export function renderCustomerUser(base: string, c: Customer): Record<string, unknown> {
  return userShape(base, {
    id: c.userId,
    name: `${c.firstName} ${c.lastName}`,
    email: c.email,
    phone: c.phone,
    role: 'end-user',
    locale: c.locale,
    defaultGroupId: null,
    tags: [],
    suspended: c.suspended,
    createdAt: c.createdAt,
  });
}

function userShape(
  base: string,
  u: {
    id: number;
    name: string;
    email: string;
    phone: string | null;
    role: string;
    locale: string;
    defaultGroupId: number | null;
    tags: string[];
    suspended: boolean;
    createdAt: number;
  },
): Record<string, unknown> {
  return {
    id: u.id,
    url: `${base}/api/v2/users/${u.id}.json`,
    name: u.name,
    email: u.email,
    created_at: isoSeconds(u.createdAt),
    updated_at: isoSeconds(u.createdAt),
    time_zone: 'UTC',
    iana_time_zone: 'Etc/UTC',
    phone: u.phone,
    shared_phone_number: null,
    photo: null,
    locale_id: 1,
    locale: u.locale,
    organization_id: null,
    role: u.role,
    verified: true,
    external_id: null,
    tags: u.tags,
    alias: null,
    active: true,
    shared: false,
    shared_agent: false,
    last_login_at: null,
    two_factor_auth_enabled: u.role !== 'end-user',
    signature: null,
    details: null,
    notes: null,
    role_type: null,
    custom_role_id: null,
    moderator: u.role !== 'end-user',
    ticket_restriction: u.role === 'end-user' ? 'requested' : null,
    only_private_comments: false,
    restricted_agent: false,
    suspended: u.suspended,
    default_group_id: u.defaultGroupId,
    report_csv: false,
    user_fields: {},
  };
}

export function renderGroup(base: string, g: GroupSpec): Record<string, unknown> {
  return {
    url: `${base}/api/v2/groups/${g.id}.json`,
    id: g.id,
    is_public: true,
    name: g.name,
    description: `${g.tier} support group`,
    default: g.tier === 'L1',
    deleted: false,
    created_at: groupsCreatedAt,
    updated_at: groupsCreatedAt,
  };
}

export function renderRating(base: string, life: TicketLife, now: number): Record<string, unknown> | null {
  const r = life.rating;
  if (!r || r.offeredAt > now) return null;
  const answered = r.answeredAt !== null && r.answeredAt <= now;
  return {
    url: `${base}/api/v2/satisfaction_ratings/${r.id}.json`,
    id: r.id,
    assignee_id: r.assigneeId,
    group_id: r.groupId,
    requester_id: life.requesterId,
    ticket_id: life.id,
    score: answered ? r.score : 'offered',
    comment: answered ? r.comment : null,
    reason: answered ? r.reason : null,
    reason_id: answered && r.reason ? 1000 + r.reason.length : null,
    created_at: isoSeconds(r.offeredAt),
    updated_at: isoSeconds(answered ? (r.answeredAt as number) : r.offeredAt),
  };
}
