import * as z from 'zod';
import type { SourceStream } from '#src/connectors/connector.ts';
import { isoFieldSeconds, numberField, parsePage } from '#src/connectors/shared/parse-page.ts';
import type { ZendeskClient } from '#src/connectors/zendesk/zendesk-client.ts';
import type { ZendeskConfig } from '#src/connectors/zendesk/zendesk-config.ts';
import {
  cursorListPageSchema,
  satisfactionRatingToLandingRows,
  zendeskSatisfactionRatingSchema,
} from '#src/connectors/zendesk/zendesk-records.ts';

export const primaryKey = ['id'] as const;
export const cursorField = 'updated_at';

const PATH = '/api/v2/satisfaction_ratings.json';

export const satisfactionRatingsStateSchema = z.strictObject({
  /** Unix seconds of the `start_time` filter of the current read. */
  startTime: z.number().int().nonnegative(),
  /** `meta.after_cursor` while a read is under way; null = start a new read at startTime. */
  after: z.string().nullable(),
  /** Greatest updated_at (unix seconds) written so far: where the next read starts. */
  highWater: z.number().int().nullable(),
});
export type SatisfactionRatingsState = z.infer<typeof satisfactionRatingsStateSchema>;

/** Satisfaction ratings (offered, good, bad, with reason and comment) since the last read, cursor-paginated. */
export function satisfactionRatingsStream(
  client: ZendeskClient,
  config: ZendeskConfig,
): SourceStream<SatisfactionRatingsState> {
  const initialStart = Date.parse(`${config.startDate}T00:00:00Z`) / 1000;
  const pageSchema = cursorListPageSchema('satisfaction_ratings');
  return {
    name: 'satisfaction_ratings',
    primaryKey,
    cursorField,
    landingStreams: ['satisfaction_ratings', 'satisfaction_comments'],
    stateSchema: satisfactionRatingsStateSchema,
    initialState: () => ({ startTime: initialStart, after: null, highWater: null }),
    resumeState(checkpoint) {
      if (checkpoint.after !== null || config.lookbackMinutes === 0) return checkpoint;
      return {
        ...checkpoint,
        startTime: Math.max(initialStart, checkpoint.startTime - config.lookbackMinutes * 60),
      };
    },
    async *readPages(start, context) {
      let state = start;
      for (;;) {
        const { json, exchange } = await client.get(
          PATH,
          {
            start_time: state.startTime,
            'page[size]': config.listPageSize,
            'page[after]': state.after ?? undefined,
          },
          'api',
          context,
        );
        const page = parsePage(pageSchema, json, 'zendesk', PATH);
        const records = page.satisfaction_ratings as unknown[];
        let highWater = state.highWater;
        for (const record of records) {
          const seconds = isoFieldSeconds(record, 'updated_at');
          if (seconds !== undefined && (highWater === null || seconds > highWater)) highWater = seconds;
        }
        const more = page.meta.has_more && Boolean(page.meta.after_cursor);
        state = more
          ? { startTime: state.startTime, after: page.meta.after_cursor ?? null, highWater }
          : { startTime: Math.max(state.startTime, highWater ?? state.startTime), after: null, highWater };
        yield { exchanges: [exchange], records, state };
        if (!more) return;
      }
    },
    toLandingRows: (record) => satisfactionRatingToLandingRows(zendeskSatisfactionRatingSchema.parse(record)),
    describeRecord: (record) => `satisfaction rating ${String(numberField(record, 'id') ?? '?')}`,
  };
}
