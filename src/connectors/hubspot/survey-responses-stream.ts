import { z } from 'zod';
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
});
export type SurveyResponsesState = z.infer<typeof surveyResponsesStateSchema>;

/**
 * NPS (and other) feedback submissions. The objects API lists them without a modified-since filter,
 * so each run reads the list whole; a run stopped half-way resumes from its `after` token.
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
      for (;;) {
        const { json, exchange } = await client.get(
          PATH,
          { limit: config.listPageSize, after: state.after ?? undefined, properties: PROPERTIES.join(',') },
          context,
        );
        const page = parsePage(listPageSchema, json, 'hubspot', PATH);
        const next = page.paging?.next?.after ?? null;
        state = { after: next };
        yield { exchanges: [exchange], records: page.results, state };
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
