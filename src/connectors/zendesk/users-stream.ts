import type { SourceStream } from '#src/connectors/connector.ts';
import type { ZendeskClient } from '#src/connectors/zendesk/zendesk-client.ts';
import type { ZendeskConfig } from '#src/connectors/zendesk/zendesk-config.ts';
import { type CursorExportState, cursorExportStream } from '#src/connectors/zendesk/zendesk-cursor-export.ts';
import { userToLandingRows, zendeskUserSchema } from '#src/connectors/zendesk/zendesk-records.ts';

export const primaryKey = ['id'] as const;
export const cursorField = 'updated_at';

/** Users (end users, agents, bots) from the cursor-based incremental user export; personal fields go to user_pii. */
export function usersStream(client: ZendeskClient, config: ZendeskConfig): SourceStream<CursorExportState> {
  return cursorExportStream({
    client,
    name: 'users',
    path: '/api/v2/incremental/users/cursor.json',
    collection: 'users',
    primaryKey,
    cursorField,
    landingStreams: ['users', 'user_pii'],
    // Users are a dimension: customers and agents created before the start date still matter.
    startTime: 0,
    lookbackSeconds: config.lookbackMinutes * 60,
    perPage: config.perPage,
    recordSchema: zendeskUserSchema,
    toRows: userToLandingRows,
  });
}
