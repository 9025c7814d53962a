import type { SourceStream } from '#src/connectors/connector.ts';
import type { ZendeskClient } from '#src/connectors/zendesk/zendesk-client.ts';
import type { ZendeskConfig } from '#src/connectors/zendesk/zendesk-config.ts';
import { type CursorExportState, cursorExportStream } from '#src/connectors/zendesk/zendesk-cursor-export.ts';
import { ticketToLandingRows, zendeskTicketSchema } from '#src/connectors/zendesk/zendesk-records.ts';

export const primaryKey = ['id'] as const;
export const cursorField = 'generated_timestamp';

/** Tickets, one row per extracted version, from the cursor-based incremental ticket export. */
export function ticketsStream(client: ZendeskClient, config: ZendeskConfig): SourceStream<CursorExportState> {
  return cursorExportStream({
    client,
    name: 'tickets',
    path: '/api/v2/incremental/tickets/cursor.json',
    collection: 'tickets',
    primaryKey,
    cursorField,
    landingStreams: ['tickets', 'ticket_texts'],
    startTime: Date.parse(`${config.startDate}T00:00:00Z`) / 1000,
    lookbackSeconds: config.lookbackMinutes * 60,
    perPage: config.perPage,
    recordSchema: zendeskTicketSchema,
    toRows: (ticket) => ticketToLandingRows(ticket, config),
  });
}
