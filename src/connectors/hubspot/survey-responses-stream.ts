import * as z from 'zod';
import type { SourceStream } from '#src/connectors/connector.ts';
import type { HubspotClient } from '#src/connectors/hubspot/hubspot-client.ts';
import type { HubspotConfig } from '#src/connectors/hubspot/hubspot-config.ts';
import { feedbackSubmissionToLandingRows, listPageSchema } from '#src/connectors/hubspot/hubspot-records.ts';
import { parsePage } from '#src/connectors/shared/parse-page.ts';

export const primaryKey = ['id'] as const;
export const cursorField = 'hs_lastmodifieddate';

const PATH = '/crm/v3/objects/feedback_submissions';
const PROPERTIES = [
  'hs_survey_type',
  'hs_response_value',
  'hs_submission_timestamp',
  'hs_contact_id',
  'hs_lastmodifieddate',
];

export const surveyResponsesStateSchema = z.strictObject({
  /** `paging.next.after` while a full read is under way; null = the next run reads from the start. */
  after: z.string().nullable(),
  /** Submissions last modified before this instant (epoch ms) were landed by an earlier pass. */
  landFromMs: z.number().int().optional(),
  /** The latest hs_lastmodifieddate this pass has seen so far. */
  seenMaxMs: z.number().int().optional(),
});
export type SurveyResponsesState = z.infer<typeof surveyResponsesStateSchema>;

/**
 * NPS (and other) feedback submissions. The objects API lists them without a modified-since filter,
 * so each run reads the list whole; a run stopped half-way resumes from its `after` token. Only the
 * submissions modified since the previous complete pass are landed (from the latest modification it
 * saw, less the look-back and an hour for submissions modified while it read), so the landing layer
 * grows with what changed, not with the list once a run.
 */
export function surveyResponsesStream(
  client: HubspotClient,
  config: HubspotConfig,
): SourceStream<SurveyResponsesState> {
  return {
    name: 'survey_responses',
    primaryKey,
    cursorField,
    landingStreams: ['survey_responses'],
    stateSchema: surveyResponsesStateSchema,
    initialState: () => ({ after: null }),
    resumeState: (checkpoint) => checkpoint,
    async *readPages(start, context) {
      let state = start;
      const landFromMs = start.landFromMs;
      let seenMaxMs = start.seenMaxMs;
      for (;;) {
        const { json, exchange } = await client.get(
          PATH,
          { limit: config.listPageSize, after: state.after ?? undefined, properties: PROPERTIES.join(',') },
          context,
        );
        const page = parsePage(listPageSchema, json, 'hubspot', PATH);
        const next = page.paging?.next?.after ?? null;
        const records = page.results.filter((record) => {
          const modified = modifiedMsOf(record);
          if (modified !== undefined) seenMaxMs = Math.max(seenMaxMs ?? modified, modified);
          // Unreadable timestamps are landed, so the mapping quarantines them with a reason.
          return landFromMs === undefined || modified === undefined || modified >= landFromMs;
        });
        state =
          next === null
            ? {
                after: null,
                ...(seenMaxMs === undefined
                  ? landFromMs === undefined
                    ? {}
                    : { landFromMs }
                  : { landFromMs: seenMaxMs - (Math.max(config.lookbackMinutes, 0) + 60) * 60_000 }),
              }
            : {
                after: next,
                ...(landFromMs === undefined ? {} : { landFromMs }),
                ...(seenMaxMs === undefined ? {} : { seenMaxMs }),
              };
        yield { exchanges: [exchange], records, state };
        if (next === null) return;
      }
    },
    toLandingRows: (record) => feedbackSubmissionToLandingRows(record),
    describeRecord: (record) => {
      const id = (record as { id?: unknown } | null)?.id;
      return `feedback submission ${typeof id === 'string' ? id : '?'}`;
    },
  };
}

/** hs_lastmodifieddate (or updatedAt) of a listed submission in epoch ms, when readable. */
function modifiedMsOf(record: unknown): number | undefined {
  const r = record as { properties?: { hs_lastmodifieddate?: unknown }; updatedAt?: unknown } | null;
  const value = r?.properties?.hs_lastmodifieddate ?? r?.updatedAt;
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
