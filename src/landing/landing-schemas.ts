import * as z from 'zod';
import { type ColumnSpec, col, columnValidator } from './columns.ts';

/**
 * The landing layer, declared once. Every stream here is rendered into:
 * - the zod validator the extractor checks each row against (bad rows go to quarantine),
 * - the DuckDB view over the landing files (local engine),
 * - the Glue table definition (CDK) and the Athena external-table DDL,
 * - the access policy (personal and text columns are readable by the compliance role only).
 *
 * Files live at `landing/<source>/<stream>/dt=<extract date>/<run id>-<page>.jsonl.gz`.
 * Duplicates are allowed in landing (at-least-once extraction); staging keeps, per `key`, the row
 * with the greatest `version` (then the latest `_extracted_at`).
 */
export interface LandingStream {
  readonly source: 'zendesk' | 'hubspot' | 'nlp';
  readonly stream: string;
  readonly description: string;
  /** Columns that identify one entity. */
  readonly key: readonly string[];
  /** Column whose greater value means a newer version of the same entity. */
  readonly version: string;
  /** restricted streams hold personal data or message text and are compliance-only. */
  readonly restricted: boolean;
  /** Retention class: facts (12–24 months) or text / raw (12 months by default). */
  readonly retention: 'facts' | 'text';
  readonly columns: Readonly<Record<string, ColumnSpec>>;
}

/** Added to every landing row by the writer; part of every stream's columns. */
export const metadataColumns = {
  _run_id: col.varchar('Id of the extraction run that wrote the row'),
  _extracted_at: col.timestamp('When the row was extracted (UTC)'),
} as const;

type StreamInput = Omit<LandingStream, 'columns' | 'restricted' | 'retention'> & {
  columns: Record<string, ColumnSpec>;
  retention?: 'facts' | 'text';
};

function defineStream(input: StreamInput): LandingStream {
  const columns = { ...input.columns, ...metadataColumns };
  const classifications = Object.values(input.columns).map((c) => c.classification);
  const restricted = classifications.some((c) => c !== 'public');
  const retention = input.retention ?? (classifications.includes('text') ? 'text' : 'facts');
  for (const k of [...input.key, input.version]) {
    if (!(k in columns))
      throw new Error(`landing stream ${input.stream}: key or version column ${k} is not declared`);
  }
  return { ...input, columns, restricted, retention };
}

export const landingStreams = {
  // ---------------------------------------------------------------- ticket desk (Zendesk-compatible)
  tickets: defineStream({
    source: 'zendesk',
    stream: 'tickets',
    description: 'Tickets from the incremental cursor export, one row per extracted version',
    key: ['ticket_id'],
    version: 'generated_timestamp',
    columns: {
      ticket_id: col.bigint('Ticket id in the source'),
      requester_id: col.bigint('End user who asked').orNull(),
      submitter_id: col.bigint('User who created the ticket (an agent for agent-created tickets)').orNull(),
      assignee_id: col.bigint('Assigned agent').orNull(),
      group_id: col.bigint('Assigned group').orNull(),
      organization_id: col.bigint('Organisation of the requester').orNull(),
      brand_id: col.bigint('Brand').orNull(),
      status: col.varchar('new, open, pending, hold, solved, closed or deleted'),
      priority: col.varchar('low, normal, high, urgent').orNull(),
      ticket_type: col.varchar('question, incident, problem, task').orNull(),
      via_channel: col.varchar('Channel as the source names it (via.channel)'),
      category: col.varchar('Contact reason, from the configured custom field').orNull(),
      language: col.varchar('Language, from the configured custom field or the requester locale').orNull(),
      tags: col.json('Tags, a JSON array of strings'),
      custom_fields: col.json('Custom fields, a JSON array of {id, value}'),
      is_deleted: col.boolean('The source reports the ticket deleted'),
      created_at: col.timestamp('Creation time'),
      updated_at: col.timestamp('Last update time'),
      generated_timestamp: col.bigint('Unix seconds when the source last regenerated the record'),
    },
  }),
  ticket_texts: defineStream({
    source: 'zendesk',
    stream: 'ticket_texts',
    description: 'Subject and description of tickets (message text, restricted)',
    key: ['ticket_id'],
    version: 'generated_timestamp',
    columns: {
      ticket_id: col.bigint('Ticket id'),
      subject: col.varchar('Subject line').orNull().text(),
      description: col.varchar('Opening message').orNull().text(),
      generated_timestamp: col.bigint('Version of the ticket this text belongs to'),
    },
  }),
  ticket_events: defineStream({
    source: 'zendesk',
    stream: 'ticket_events',
    description: 'Create and Change child events of ticket audits (field changes)',
    key: ['event_id'],
    version: 'created_at',
    columns: {
      event_id: col.bigint('Child event id'),
      audit_id: col.bigint('Parent audit (ticket event) id'),
      ticket_id: col.bigint('Ticket id'),
      created_at: col.timestamp('When the change happened'),
      updater_id: col.bigint('User who made the change').orNull(),
      via_channel: col.varchar('Channel of the change').orNull(),
      event_type: col.varchar('Create or Change'),
      field_name: col.varchar('Changed field: status, group_id, assignee_id, priority, ...').orNull(),
      value: col.varchar('New value; arrays as JSON').orNull(),
      previous_value: col.varchar('Previous value; arrays as JSON').orNull(),
    },
  }),
  comments: defineStream({
    source: 'zendesk',
    stream: 'comments',
    description: 'Comment child events of ticket audits, without their text',
    key: ['comment_id'],
    version: 'created_at',
    columns: {
      comment_id: col.bigint('Comment (child event) id'),
      audit_id: col.bigint('Parent audit id'),
      ticket_id: col.bigint('Ticket id'),
      author_id: col.bigint('Author user id'),
      created_at: col.timestamp('When the comment was added'),
      is_public: col.boolean('Public reply (true) or internal note (false)'),
      via_channel: col.varchar('Channel of the comment').orNull(),
      body_chars: col.bigint('Length of the body in characters'),
    },
  }),
  comment_texts: defineStream({
    source: 'zendesk',
    stream: 'comment_texts',
    description: 'Comment bodies (message text, restricted)',
    key: ['comment_id'],
    version: 'created_at',
    columns: {
      comment_id: col.bigint('Comment id'),
      ticket_id: col.bigint('Ticket id'),
      author_id: col.bigint('Author user id'),
      created_at: col.timestamp('When the comment was added'),
      body: col.varchar('Plain-text body').text(),
    },
  }),
  users: defineStream({
    source: 'zendesk',
    stream: 'users',
    description: 'Users (end users, agents, admins) without personal fields',
    key: ['user_id'],
    version: 'updated_at',
    columns: {
      user_id: col.bigint('User id'),
      role: col.varchar('end-user, agent or admin'),
      customer_key: col.varchar('HMAC-SHA256 of the trimmed, lower-cased e-mail').orNull(),
      locale: col.varchar('Locale, e.g. en-US').orNull(),
      organization_id: col.bigint('Organisation').orNull(),
      default_group_id: col.bigint('Default group of an agent').orNull(),
      is_bot: col.boolean('Flagged as a bot by the source (tag or user field)'),
      is_active: col.boolean('Active'),
      is_suspended: col.boolean('Suspended'),
      tags: col.json('Tags, a JSON array of strings'),
      created_at: col.timestamp('Creation time'),
      updated_at: col.timestamp('Last update time'),
    },
  }),
  user_pii: defineStream({
    source: 'zendesk',
    stream: 'user_pii',
    description: 'Personal fields of users (restricted)',
    key: ['user_id'],
    version: 'updated_at',
    columns: {
      user_id: col.bigint('User id'),
      customer_key: col.varchar('HMAC-SHA256 of the trimmed, lower-cased e-mail').orNull(),
      email: col.varchar('E-mail').orNull().personal(),
      name: col.varchar('Name').orNull().personal(),
      phone: col.varchar('Phone').orNull().personal(),
      updated_at: col.timestamp('Last update time'),
    },
  }),
  groups: defineStream({
    source: 'zendesk',
    stream: 'groups',
    description: 'Agent groups; the tier comes from configuration',
    key: ['group_id'],
    version: 'updated_at',
    columns: {
      group_id: col.bigint('Group id'),
      name: col.varchar('Group name'),
      is_deleted: col.boolean('Deleted in the source'),
      created_at: col.timestamp('Creation time'),
      updated_at: col.timestamp('Last update time'),
    },
  }),
  satisfaction_ratings: defineStream({
    source: 'zendesk',
    stream: 'satisfaction_ratings',
    description: 'Satisfaction ratings (offered, unoffered, good, bad, or a 1–5 score)',
    key: ['rating_id'],
    version: 'updated_at',
    columns: {
      rating_id: col.bigint('Rating id'),
      ticket_id: col.bigint('Rated ticket'),
      requester_id: col.bigint('Requester').orNull(),
      assignee_id: col.bigint('Assignee at rating time').orNull(),
      group_id: col.bigint('Group at rating time').orNull(),
      score: col.varchar('offered, unoffered, good, bad, or "1".."5"'),
      reason: col.varchar('Reason chosen for a bad rating').orNull(),
      created_at: col.timestamp('When the rating was offered or created'),
      updated_at: col.timestamp('When the rating was last changed (answered)'),
    },
  }),
  satisfaction_comments: defineStream({
    source: 'zendesk',
    stream: 'satisfaction_comments',
    description: 'Free-text comments left with ratings (message text, restricted)',
    key: ['rating_id'],
    version: 'updated_at',
    columns: {
      rating_id: col.bigint('Rating id'),
      ticket_id: col.bigint('Rated ticket'),
      comment: col.varchar('Comment').text(),
      updated_at: col.timestamp('Last update time'),
    },
  }),
  // ---------------------------------------------------------------------- CRM (HubSpot-compatible)
  contacts: defineStream({
    source: 'hubspot',
    stream: 'contacts',
    description: 'CRM contacts, one row per extracted version (latest state per extraction)',
    key: ['contact_id'],
    version: 'updated_at',
    columns: {
      contact_id: col.varchar('HubSpot object id'),
      customer_key: col.varchar('HMAC-SHA256 of the trimmed, lower-cased e-mail').orNull(),
      vip_tier: col.varchar('VIP tier property').orNull(),
      kyc_level: col.varchar('KYC level property').orNull(),
      last_trade_at: col.timestamp('Last trade time property').orNull(),
      is_archived: col.boolean('Archived in the CRM'),
      created_at: col.timestamp('createdate'),
      updated_at: col.timestamp('lastmodifieddate'),
    },
  }),
  contact_snapshots: defineStream({
    source: 'hubspot',
    stream: 'contact_snapshots',
    description:
      'Versions of each contact rebuilt from property history: the state valid from valid_from until the next version',
    key: ['contact_id', 'valid_from'],
    version: '_extracted_at',
    columns: {
      contact_id: col.varchar('HubSpot object id'),
      customer_key: col.varchar('HMAC-SHA256 of the trimmed, lower-cased e-mail').orNull(),
      valid_from: col.timestamp('When this version took effect'),
      vip_tier: col.varchar('VIP tier in this version').orNull(),
      kyc_level: col.varchar('KYC level in this version').orNull(),
      last_trade_at: col.timestamp('last_trade_at in this version').orNull(),
    },
  }),
  contact_pii: defineStream({
    source: 'hubspot',
    stream: 'contact_pii',
    description: 'Personal fields of CRM contacts (restricted)',
    key: ['contact_id'],
    version: 'updated_at',
    columns: {
      contact_id: col.varchar('HubSpot object id'),
      customer_key: col.varchar('HMAC-SHA256 of the trimmed, lower-cased e-mail').orNull(),
      email: col.varchar('E-mail').orNull().personal(),
      firstname: col.varchar('First name').orNull().personal(),
      lastname: col.varchar('Last name').orNull().personal(),
      phone: col.varchar('Phone').orNull().personal(),
      updated_at: col.timestamp('lastmodifieddate'),
    },
  }),
  survey_responses: defineStream({
    source: 'hubspot',
    stream: 'survey_responses',
    description: 'Feedback submissions (NPS surveys) with their 0–10 score',
    key: ['response_id'],
    version: 'updated_at',
    columns: {
      response_id: col.varchar('Feedback submission id'),
      contact_id: col.varchar('Associated contact').orNull(),
      customer_key: col.varchar('Customer key of the contact').orNull(),
      survey_type: col.varchar('NPS, CSAT or CES'),
      score: col.bigint('Response value, 0–10 for NPS').orNull(),
      submitted_at: col.timestamp('When the response was submitted'),
      updated_at: col.timestamp('Last update time'),
    },
  }),
  // ----------------------------------------------------------------------------- NLP stage output
  comment_sentiment: defineStream({
    source: 'nlp',
    stream: 'comment_sentiment',
    description: 'Sentiment of each customer message, computed from comment_texts by the sentiment stage',
    key: ['comment_id'],
    version: 'analysed_at',
    columns: {
      comment_id: col.bigint('Comment id'),
      ticket_id: col.bigint('Ticket id'),
      language: col.varchar('Language the analyser used').orNull(),
      sentiment_score: col.double('Score in [-1, 1]'),
      analyser: col.varchar('local-lexicon or comprehend, with version'),
      analysed_at: col.timestamp('When it was analysed'),
    },
  }),
} as const satisfies Record<string, LandingStream>;

export type LandingStreamName = keyof typeof landingStreams;

export const landingStreamNames = Object.keys(landingStreams) as LandingStreamName[];

/** Table name of a landing stream in either engine: `landing_<source>__<stream>`. */
export function landingTableName(stream: LandingStream): string {
  return `landing_${stream.source}__${stream.stream}`;
}

/**
 * `landing_<source>__<stream>__new`: the rows of the files that arrived since the last complete
 * transform (every file on a full refresh). Each engine defines it per run.
 */
export function newSourceName(stream: LandingStream): string {
  return `${landingTableName(stream)}__new`;
}

/** Object-store prefix of a landing stream. */
export function landingPrefix(stream: LandingStream): string {
  return `landing/${stream.source}/${stream.stream}/`;
}

const validators = new Map<LandingStream, z.ZodType>();

/** The zod schema of one landing row (metadata columns included), built once per stream. */
export function landingRowSchema(stream: LandingStream): z.ZodType<Record<string, unknown>> {
  let schema = validators.get(stream);
  if (!schema) {
    schema = z.strictObject(
      Object.fromEntries(Object.entries(stream.columns).map(([name, spec]) => [name, columnValidator(spec)])),
    );
    validators.set(stream, schema);
  }
  return schema as z.ZodType<Record<string, unknown>>;
}
