import * as z from 'zod';
import { type LandingRows, type MappingContext, RecordRejectedError } from '#src/connectors/connector.ts';
import type { HubspotConfig } from '#src/connectors/hubspot/hubspot-config.ts';
import { toEpochMs, toIsoUtc, toIsoUtcOrNull } from '#src/connectors/shared/iso-timestamp.ts';

// ------------------------------------------------------------------------------ API records

const propertyValue = z.string().nullable().optional();

export const hubspotContactSchema = z.looseObject({
  id: z.string().regex(/^\d+$/, 'expected a numeric object id'),
  properties: z.looseObject({
    email: propertyValue,
    firstname: propertyValue,
    lastname: propertyValue,
    phone: propertyValue,
    createdate: propertyValue,
    lastmodifieddate: propertyValue,
  }),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  archived: z.boolean().default(false),
});
export type HubspotContact = z.infer<typeof hubspotContactSchema>;

const historyEntrySchema = z.looseObject({ value: z.string().nullable(), timestamp: z.string().min(1) });

export const hubspotContactHistorySchema = z.looseObject({
  id: z.string(),
  propertiesWithHistory: z.record(z.string(), z.array(historyEntrySchema)).default({}),
});
export type HubspotContactHistory = z.infer<typeof hubspotContactHistorySchema>;

/** A contacts-stream record: the search result and its property history from the batch read. */
export interface ContactWithHistory {
  readonly contact: unknown;
  readonly history: unknown;
  /**
   * Versions starting before this instant (epoch ms) were landed by earlier runs and are left out,
   * so a run lands what changed rather than every changed contact's whole history. Absent: all.
   */
  readonly versionsFromMs?: number;
}

export const hubspotFeedbackSubmissionSchema = z.looseObject({
  id: z.string().min(1),
  properties: z.looseObject({
    hs_survey_type: z.string().min(1),
    hs_response_value: propertyValue,
    hs_submission_timestamp: propertyValue,
    hs_contact_id: propertyValue,
    hs_lastmodifieddate: propertyValue,
  }),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  archived: z.boolean().default(false),
});
export type HubspotFeedbackSubmission = z.infer<typeof hubspotFeedbackSubmissionSchema>;

// ------------------------------------------------------------------------------ response pages

export const searchPageSchema = z.looseObject({
  total: z.number().int().optional(),
  results: z.array(z.unknown()),
  paging: z.looseObject({ next: z.looseObject({ after: z.string() }).optional() }).optional(),
});

export const batchReadPageSchema = z.looseObject({
  results: z.array(z.unknown()),
});

export const listPageSchema = searchPageSchema;

// ------------------------------------------------------------------------------ landing mapping

function requireProperty(value: string | null | undefined, field: string): string {
  if (value === null || value === undefined || value === '')
    throw new RecordRejectedError(`${field} is missing`);
  return value;
}

export function contactToLandingRows(
  record: ContactWithHistory,
  config: HubspotConfig,
  context: MappingContext,
): LandingRows {
  const contact = hubspotContactSchema.parse(record.contact);
  const props = contact.properties;
  const names = config.properties;
  const key = context.customerKey(props.email);
  const updatedAt = toIsoUtc(
    requireProperty(props.lastmodifieddate ?? contact.updatedAt, 'lastmodifieddate'),
    'lastmodifieddate',
  );
  const createdAt = toIsoUtc(
    requireProperty(props.createdate ?? contact.createdAt, 'createdate'),
    'createdate',
  );
  const current = {
    vip_tier: stringProperty(props[names.vipTier]),
    kyc_level: stringProperty(props[names.kycLevel]),
    last_trade_at: toIsoUtcOrNull(stringProperty(props[names.lastTradeAt]), names.lastTradeAt),
  };
  const history =
    record.history === undefined ? undefined : hubspotContactHistorySchema.parse(record.history);
  return {
    contacts: [
      {
        contact_id: contact.id,
        customer_key: key,
        ...current,
        is_archived: contact.archived,
        created_at: createdAt,
        updated_at: updatedAt,
      },
    ],
    contact_pii: [
      {
        contact_id: contact.id,
        customer_key: key,
        email: props.email ?? null,
        firstname: props.firstname ?? null,
        lastname: props.lastname ?? null,
        phone: props.phone ?? null,
        updated_at: updatedAt,
      },
    ],
    contact_snapshots: history
      ? snapshotsFromHistory(contact.id, key, history, config).filter(
          (row) => record.versionsFromMs === undefined || Date.parse(row.valid_from) >= record.versionsFromMs,
        )
      : // Without history (the contact vanished between search and batch read) the current state is one version.
        [{ contact_id: contact.id, customer_key: key, valid_from: updatedAt, ...current }],
  };
}

function stringProperty(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value);
}

/**
 * Rebuilds the versions of a contact from its property history: every instant at which one of the
 * tracked properties changed starts a version holding the latest value of each property then.
 */
export function snapshotsFromHistory(
  contactId: string,
  key: string | null,
  history: HubspotContactHistory,
  config: HubspotConfig,
): (Record<string, unknown> & { valid_from: string })[] {
  const tracked = [
    ['vip_tier', config.properties.vipTier],
    ['kyc_level', config.properties.kycLevel],
    ['last_trade_at', config.properties.lastTradeAt],
  ] as const;
  const changes: { at: number; column: (typeof tracked)[number][0]; value: string | null }[] = [];
  for (const [column, property] of tracked) {
    for (const entry of history.propertiesWithHistory[property] ?? []) {
      changes.push({
        at: toEpochMs(entry.timestamp, `${property} history timestamp`),
        column,
        value: entry.value,
      });
    }
  }
  changes.sort((a, b) => a.at - b.at);
  const state: Record<string, string | null> = { vip_tier: null, kyc_level: null, last_trade_at: null };
  const rows: (Record<string, unknown> & { valid_from: string })[] = [];
  for (let i = 0; i < changes.length; i += 1) {
    const change = changes[i]!;
    state[change.column] =
      change.column === 'last_trade_at'
        ? toIsoUtcOrNull(stringProperty(change.value), config.properties.lastTradeAt)
        : stringProperty(change.value);
    // One version per instant, holding every change made at that instant.
    if (i + 1 < changes.length && changes[i + 1]!.at === change.at) continue;
    rows.push({
      contact_id: contactId,
      customer_key: key,
      valid_from: new Date(change.at).toISOString(),
      ...state,
    });
  }
  return rows;
}

export function feedbackSubmissionToLandingRows(record: unknown): LandingRows {
  const submission = hubspotFeedbackSubmissionSchema.parse(record);
  const props = submission.properties;
  const submittedAt = toIsoUtc(
    requireProperty(props.hs_submission_timestamp ?? submission.createdAt, 'hs_submission_timestamp'),
    'hs_submission_timestamp',
  );
  const updatedRaw = props.hs_lastmodifieddate ?? submission.updatedAt;
  const rawScore = props.hs_response_value;
  let score: number | null = null;
  if (rawScore !== null && rawScore !== undefined && rawScore !== '') {
    score = Number(rawScore);
    if (!Number.isInteger(score))
      throw new RecordRejectedError(`hs_response_value ${JSON.stringify(rawScore)} is not a whole number`);
  }
  return {
    survey_responses: [
      {
        response_id: submission.id,
        contact_id: props.hs_contact_id ?? null,
        customer_key: null,
        survey_type: props.hs_survey_type,
        score,
        submitted_at: submittedAt,
        updated_at: updatedRaw ? toIsoUtc(updatedRaw, 'hs_lastmodifieddate') : submittedAt,
      },
    ],
  };
}
