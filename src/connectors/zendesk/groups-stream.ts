import * as z from 'zod';
import type { SourceStream } from '#src/connectors/connector.ts';
import { numberField, parsePage } from '#src/connectors/shared/parse-page.ts';
import type { ZendeskClient } from '#src/connectors/zendesk/zendesk-client.ts';
import type { ZendeskConfig } from '#src/connectors/zendesk/zendesk-config.ts';
import {
  cursorListPageSchema,
  groupToLandingRows,
  zendeskGroupSchema,
} from '#src/connectors/zendesk/zendesk-records.ts';

export const primaryKey = ['id'] as const;
export const cursorField = 'updated_at';

const PATH = '/api/v2/groups.json';

export const groupsStateSchema = z.strictObject({
  /** `meta.after_cursor` while a full read is under way; null = the next run reads from the first page. */
  after: z.string().nullable(),
});
export type GroupsState = z.infer<typeof groupsStateSchema>;

/** Agent groups: a small list read whole on every run with cursor pagination. */
export function groupsStream(client: ZendeskClient, config: ZendeskConfig): SourceStream<GroupsState> {
  const pageSchema = cursorListPageSchema('groups');
  return {
    name: 'groups',
    primaryKey,
    cursorField,
    landingStreams: ['groups'],
    stateSchema: groupsStateSchema,
    initialState: () => ({ after: null }),
    resumeState: (checkpoint) => checkpoint,
    async *readPages(start, context) {
      let state = start;
      for (;;) {
        const { json, exchange } = await client.get(
          PATH,
          { 'page[size]': config.listPageSize, 'page[after]': state.after ?? undefined },
          'api',
          context,
        );
        const page = parsePage(pageSchema, json, 'zendesk', PATH);
        const more = page.meta.has_more && Boolean(page.meta.after_cursor);
        state = { after: more ? (page.meta.after_cursor ?? null) : null };
        yield { exchanges: [exchange], records: page.groups as unknown[], state };
        if (!more) return;
      }
    },
    toLandingRows: (record) => groupToLandingRows(zendeskGroupSchema.parse(record)),
    describeRecord: (record) => `group ${String(numberField(record, 'id') ?? '?')}`,
  };
}
