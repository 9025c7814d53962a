import * as z from 'zod';
import type { LandingRows, MappingContext } from '#src/connectors/connector.ts';
import { toIsoUtc } from '#src/connectors/shared/iso-timestamp.ts';
import type { ZendeskConfig } from '#src/connectors/zendesk/zendesk-config.ts';
import { isFreeTextField } from '#src/governance/access/access-policy.ts';

// ------------------------------------------------------------------------------ API records
// The source may add fields at any time: only the ones we read are checked and kept (z.object
// strips the rest, which is also much cheaper than copying them through).

const id = z.number().int();
const optionalId = id.nullable().optional();
const timestamp = z.string().min(1);
const via = z
  .object({ channel: z.union([z.string(), z.number()]).transform(String) })
  .nullable()
  .optional();

export const zendeskTicketSchema = z.object({
  id,
  requester_id: optionalId,
  submitter_id: optionalId,
  assignee_id: optionalId,
  group_id: optionalId,
  organization_id: optionalId,
  brand_id: optionalId,
  status: z.string().min(1),
  priority: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
  subject: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  via,
  tags: z.array(z.string()).default([]),
  custom_fields: z.array(z.object({ id, value: z.unknown() })).default([]),
  created_at: timestamp,
  updated_at: timestamp,
  generated_timestamp: id.optional(),
});
export type ZendeskTicket = z.infer<typeof zendeskTicketSchema>;

const childEventSchema = z.object({
  id,
  event_type: z.string().optional(),
  type: z.string().optional(),
  via,
  created_at: timestamp.optional(),
  field_name: z.string().optional(),
  value: z.unknown().optional(),
  previous_value: z.unknown().optional(),
  author_id: optionalId,
  body: z.string().nullable().optional(),
  public: z.boolean().optional(),
});

export const zendeskTicketEventSchema = z.object({
  id,
  ticket_id: id,
  timestamp: id,
  created_at: timestamp,
  updater_id: optionalId,
  via,
  event_type: z.string().optional(),
  child_events: z.array(childEventSchema).default([]),
});
export type ZendeskTicketEvent = z.infer<typeof zendeskTicketEventSchema>;

export const zendeskUserSchema = z.object({
  id,
  email: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  role: z.string().min(1),
  locale: z.string().nullable().optional(),
  organization_id: optionalId,
  default_group_id: optionalId,
  tags: z.array(z.string()).default([]),
  user_fields: z.record(z.string(), z.unknown()).nullable().optional(),
  active: z.boolean().default(true),
  suspended: z.boolean().default(false),
  created_at: timestamp,
  updated_at: timestamp,
});
export type ZendeskUser = z.infer<typeof zendeskUserSchema>;

export const zendeskGroupSchema = z.object({
  id,
  name: z.string().min(1),
  deleted: z.boolean().default(false),
  created_at: timestamp,
  updated_at: timestamp,
});
export type ZendeskGroup = z.infer<typeof zendeskGroupSchema>;

export const zendeskSatisfactionRatingSchema = z.object({
  id,
  ticket_id: id,
  requester_id: optionalId,
  assignee_id: optionalId,
  group_id: optionalId,
  score: z.union([z.string().min(1), z.number().int()]).transform(String),
  comment: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type ZendeskSatisfactionRating = z.infer<typeof zendeskSatisfactionRatingSchema>;

// ------------------------------------------------------------------------------ response pages

const recordArray = z.array(z.unknown());

function collectionShape<K extends string>(collection: K): Record<K, typeof recordArray> {
  return { [collection]: recordArray } as Record<K, typeof recordArray>;
}

export const cursorExportPageSchema = <K extends string>(collection: K) =>
  z.looseObject({
    ...collectionShape(collection),
    after_cursor: z.string().nullable().optional(),
    end_of_stream: z.boolean(),
  });

export const timeExportPageSchema = z.looseObject({
  ticket_events: recordArray,
  end_time: z.number().int().nullable().optional(),
  next_page: z.string().nullable().optional(),
  end_of_stream: z.boolean(),
});

export const cursorListPageSchema = <K extends string>(collection: K) =>
  z.looseObject({
    ...collectionShape(collection),
    meta: z.looseObject({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }),
  });

// ------------------------------------------------------------------------------ landing mapping

function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

function customFieldValue(ticket: ZendeskTicket, fieldId: number): string | null {
  const value = ticket.custom_fields.find((f) => f.id === fieldId)?.value;
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function ticketToLandingRows(ticket: ZendeskTicket, config: ZendeskConfig): LandingRows {
  const createdAt = toIsoUtc(ticket.created_at, 'created_at');
  const updatedAt = toIsoUtc(ticket.updated_at, 'updated_at');
  const generated = ticket.generated_timestamp ?? unixSeconds(updatedAt);
  return {
    tickets: [
      {
        ticket_id: ticket.id,
        requester_id: ticket.requester_id ?? null,
        submitter_id: ticket.submitter_id ?? null,
        assignee_id: ticket.assignee_id ?? null,
        group_id: ticket.group_id ?? null,
        organization_id: ticket.organization_id ?? null,
        brand_id: ticket.brand_id ?? null,
        status: ticket.status,
        priority: ticket.priority ?? null,
        ticket_type: ticket.type ?? null,
        via_channel: ticket.via?.channel ?? 'unknown',
        category: customFieldValue(ticket, config.customFields.category),
        language: customFieldValue(ticket, config.customFields.language),
        tags: JSON.stringify(ticket.tags),
        custom_fields: JSON.stringify(
          ticket.custom_fields.map((f) => ({ id: f.id, value: f.value ?? null })),
        ),
        is_deleted: ticket.status === 'deleted',
        created_at: createdAt,
        updated_at: updatedAt,
        generated_timestamp: generated,
      },
    ],
    ticket_texts: [
      {
        ticket_id: ticket.id,
        subject: ticket.subject ?? null,
        description: ticket.description ?? null,
        generated_timestamp: generated,
      },
    ],
  };
}

/** Keys of a Change child event that are not the changed field (the export names the field by its own key). */
const childEventMetaKeys = new Set([
  'id',
  'via',
  'via_reference_id',
  'event_type',
  'type',
  'value',
  'previous_value',
  'field_name',
  'audit_id',
  'created_at',
  'ticket_id',
  'author_id',
]);

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `raw` is the record as received: a Change event may name its field by a key of its own. */
export function ticketEventToLandingRows(event: ZendeskTicketEvent, raw: unknown): LandingRows {
  const rawChildren = ((raw as { child_events?: unknown[] } | null)?.child_events ?? []) as Record<
    string,
    unknown
  >[];
  const createdAt = toIsoUtc(event.created_at, 'created_at');
  const rows: Required<Pick<LandingRows, 'ticket_events' | 'comments' | 'comment_texts'>> = {
    ticket_events: [],
    comments: [],
    comment_texts: [],
  };
  for (const [index, child] of event.child_events.entries()) {
    const kind = child.event_type ?? child.type;
    const at = child.created_at ? toIsoUtc(child.created_at, 'child_events.created_at') : createdAt;
    const channel = child.via?.channel ?? event.via?.channel ?? null;
    if (kind === 'Create' || kind === 'Change') {
      // The documented export names the field by its own key ({"status": "open", "previous_value": "new"});
      // the audits API uses field_name/value. Accept both.
      const rawChild = rawChildren[index] ?? {};
      const fieldKey = child.field_name ?? Object.keys(rawChild).find((k) => !childEventMetaKeys.has(k));
      const value =
        child.field_name !== undefined || 'value' in rawChild
          ? child.value
          : fieldKey
            ? rawChild[fieldKey]
            : null;
      rows.ticket_events.push({
        event_id: child.id,
        audit_id: event.id,
        ticket_id: event.ticket_id,
        created_at: at,
        updater_id: event.updater_id ?? null,
        via_channel: channel,
        event_type: kind,
        field_name: fieldKey ?? null,
        // A subject or description change carries message text: it is landed in ticket_texts
        // (restricted), never in this stream every engineer reads.
        value: isFreeTextField(fieldKey) ? null : asText(value),
        previous_value: isFreeTextField(fieldKey) ? null : asText(child.previous_value),
      });
    } else if (kind === 'Comment') {
      const body = child.body ?? '';
      const authorId = child.author_id ?? event.updater_id ?? null;
      rows.comments.push({
        comment_id: child.id,
        audit_id: event.id,
        ticket_id: event.ticket_id,
        author_id: authorId,
        created_at: at,
        is_public: child.public ?? true,
        via_channel: channel,
        body_chars: [...body].length,
      });
      rows.comment_texts.push({
        comment_id: child.id,
        ticket_id: event.ticket_id,
        author_id: authorId,
        created_at: at,
        body,
      });
    }
    // Other child events (notifications, SLA targets, ...) are not part of the landing layer.
  }
  return rows;
}

export function userToLandingRows(user: ZendeskUser, context: MappingContext): LandingRows {
  const key = context.customerKey(user.email);
  const updatedAt = toIsoUtc(user.updated_at, 'updated_at');
  const isBot =
    user.tags.includes('bot') || user.user_fields?.bot === true || user.user_fields?.is_bot === true;
  return {
    users: [
      {
        user_id: user.id,
        role: user.role,
        customer_key: key,
        locale: user.locale ?? null,
        organization_id: user.organization_id ?? null,
        default_group_id: user.default_group_id ?? null,
        is_bot: isBot,
        is_active: user.active,
        is_suspended: user.suspended,
        tags: JSON.stringify(user.tags),
        created_at: toIsoUtc(user.created_at, 'created_at'),
        updated_at: updatedAt,
      },
    ],
    user_pii: [
      {
        user_id: user.id,
        customer_key: key,
        email: user.email ?? null,
        name: user.name ?? null,
        phone: user.phone ?? null,
        updated_at: updatedAt,
      },
    ],
  };
}

export function groupToLandingRows(group: ZendeskGroup): LandingRows {
  return {
    groups: [
      {
        group_id: group.id,
        name: group.name,
        is_deleted: group.deleted,
        created_at: toIsoUtc(group.created_at, 'created_at'),
        updated_at: toIsoUtc(group.updated_at, 'updated_at'),
      },
    ],
  };
}

export function satisfactionRatingToLandingRows(rating: ZendeskSatisfactionRating): LandingRows {
  const updatedAt = toIsoUtc(rating.updated_at, 'updated_at');
  const rows: LandingRows = {
    satisfaction_ratings: [
      {
        rating_id: rating.id,
        ticket_id: rating.ticket_id,
        requester_id: rating.requester_id ?? null,
        assignee_id: rating.assignee_id ?? null,
        group_id: rating.group_id ?? null,
        score: rating.score,
        reason: rating.reason ?? null,
        created_at: toIsoUtc(rating.created_at, 'created_at'),
        updated_at: updatedAt,
      },
    ],
  };
  if (rating.comment) {
    rows.satisfaction_comments = [
      { rating_id: rating.id, ticket_id: rating.ticket_id, comment: rating.comment, updated_at: updatedAt },
    ];
  }
  return rows;
}
