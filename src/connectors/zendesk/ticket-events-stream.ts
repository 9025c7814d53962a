import * as z from 'zod';
import type { SourceStream } from '#src/connectors/connector.ts';
import { numberField, parsePage } from '#src/connectors/shared/parse-page.ts';
import { SourceProtocolError } from '#src/connectors/shared/source-protocol-error.ts';
import type { ZendeskClient } from '#src/connectors/zendesk/zendesk-client.ts';
import type { ZendeskConfig } from '#src/connectors/zendesk/zendesk-config.ts';
import {
  ticketEventToLandingRows,
  timeExportPageSchema,
  zendeskTicketEventSchema,
} from '#src/connectors/zendesk/zendesk-records.ts';

export const primaryKey = ['id'] as const;
export const cursorField = 'timestamp';

const PATH = '/api/v2/incremental/ticket_events.json';

export const ticketEventsStateSchema = z.strictObject({
  /** Unix seconds the next request starts from (the previous page's end_time). */
  startTime: z.number().int().nonnegative(),
  /** Ids already written whose timestamp equals startTime: the next page repeats them. */
  boundaryIds: z.array(z.number().int()),
});
export type TicketEventsState = z.infer<typeof ticketEventsStateSchema>;

/**
 * Ticket audits with their child events (field changes and comments, via the comment_events
 * sideload) from the time-based incremental export. Each page starts at the previous page's
 * `end_time`, which is the timestamp of its last event, so the events at that second come again:
 * they are recognised by id and left out.
 */
export function ticketEventsStream(
  client: ZendeskClient,
  config: ZendeskConfig,
): SourceStream<TicketEventsState> {
  const initialStart = Date.parse(`${config.startDate}T00:00:00Z`) / 1000;
  return {
    name: 'ticket_events',
    primaryKey,
    cursorField,
    landingStreams: ['ticket_events', 'comments', 'comment_texts'],
    stateSchema: ticketEventsStateSchema,
    initialState: () => ({ startTime: initialStart, boundaryIds: [] }),
    resumeState(checkpoint) {
      if (config.lookbackMinutes === 0) return checkpoint;
      return {
        startTime: Math.max(initialStart, checkpoint.startTime - config.lookbackMinutes * 60),
        boundaryIds: [],
      };
    },
    async *readPages(start, context) {
      let state = start;
      for (;;) {
        const { json, exchange } = await client.get(
          PATH,
          {
            start_time: state.startTime,
            include: 'comment_events',
            // Pages are 1,000 events unless asked for fewer (tests use small pages for many boundaries).
            per_page: config.perPage < 1000 ? config.perPage : undefined,
          },
          'incremental',
          context,
        );
        const page = parsePage(timeExportPageSchema, json, 'zendesk', PATH);
        const seen = new Set(state.boundaryIds);
        const fresh = page.ticket_events.filter((event) => {
          const id = numberField(event, 'id');
          return id === undefined || !seen.has(id);
        });
        const endTime = page.end_time ?? state.startTime;
        if (endTime < state.startTime) {
          throw new SourceProtocolError(
            'zendesk',
            PATH,
            `end_time ${endTime} went back before start_time ${state.startTime}`,
          );
        }
        if (!page.end_of_stream && endTime === state.startTime && fresh.length === 0) {
          // The same second again with nothing new would loop for ever.
          throw new SourceProtocolError(
            'zendesk',
            PATH,
            `the export does not move past start_time ${state.startTime} (end_time unchanged, no new events)`,
          );
        }
        const boundary = new Set(endTime === state.startTime ? state.boundaryIds : []);
        for (const event of page.ticket_events) {
          const id = numberField(event, 'id');
          if (id !== undefined && numberField(event, 'timestamp') === endTime) boundary.add(id);
        }
        state = { startTime: endTime, boundaryIds: [...boundary].sort((a, b) => a - b) };
        yield { exchanges: [exchange], records: fresh, state };
        if (page.end_of_stream) return;
      }
    },
    toLandingRows: (record) => ticketEventToLandingRows(zendeskTicketEventSchema.parse(record), record),
    describeRecord: (record) => `ticket event ${String(numberField(record, 'id') ?? '?')}`,
  };
}
