import { z } from 'zod';
import type { ExtractedPage, SourceStream, StreamContext } from '#src/connectors/connector.ts';
import type { HubspotClient } from '#src/connectors/hubspot/hubspot-client.ts';
import type { HubspotConfig } from '#src/connectors/hubspot/hubspot-config.ts';
import {
  batchReadPageSchema,
  type ContactWithHistory,
  contactToLandingRows,
  searchPageSchema,
} from '#src/connectors/hubspot/hubspot-records.ts';
import { parsePage } from '#src/connectors/shared/parse-page.ts';
import type { RawExchange } from '#src/connectors/shared/raw-exchange.ts';
import { SourceProtocolError } from '#src/connectors/shared/source-protocol-error.ts';

export const primaryKey = ['id'] as const;
export const cursorField = 'lastmodifieddate';

const SEARCH_PATH = '/crm/v3/objects/contacts/search';
const BATCH_READ_PATH = '/crm/v3/objects/contacts/batch/read';
/** The search API refuses to page past this many results of one query. */
export const SEARCH_RESULT_CAP = 10_000;
const BATCH_READ_MAX = 100;

/**
 * Everything at or before the position (lastmodifieddate, hs_object_id) is written:
 * every contact modified before `modifiedMs`, and those modified exactly then with an id ≤ `idAfter`.
 */
export const contactsStateSchema = z.strictObject({
  modifiedMs: z.number().int(),
  /** Decimal object id; "-1" = none yet at `modifiedMs`. */
  idAfter: z.string().regex(/^-?\d+$/),
});
export type ContactsState = z.infer<typeof contactsStateSchema>;

interface SearchHit {
  readonly record: unknown;
  readonly id: string | undefined;
  readonly modifiedMs: number | undefined;
}

/**
 * CRM contacts through the search API, with their property history from the batch read (so the
 * VIP tier and last_trade_at at any moment can be rebuilt).
 *
 * The search API sorts by one property and stops at 10,000 results a query. The stream walks the
 * position (lastmodifieddate, hs_object_id) forward in two kinds of query:
 * - ties: `lastmodifieddate = t AND hs_object_id > id`, sorted by id, each query starting after the
 *   last id read (keyset paging): drains one instant however many contacts share it (a bulk import);
 * - range: `lastmodifieddate > t`, sorted by lastmodifieddate: reads pages until the cap; a page's
 *   checkpoint is (its greatest lastmodifieddate, none), whose ties the next query drains first.
 * Both always move the position strictly forward, so no query repeats for ever.
 */
export function contactsStream(client: HubspotClient, config: HubspotConfig): SourceStream<ContactsState> {
  const startMs = Date.parse(`${config.startDate}T00:00:00Z`);
  const tracked = [config.properties.vipTier, config.properties.kycLevel, config.properties.lastTradeAt];
  const properties = [
    'email',
    'firstname',
    'lastname',
    'phone',
    'createdate',
    'lastmodifieddate',
    'hs_object_id',
    ...tracked,
  ];
  const limit = config.pageSize;

  async function search(
    filters: readonly { propertyName: string; operator: string; value: string }[],
    sortBy: string,
    after: number,
    context: StreamContext,
  ): Promise<{ hits: SearchHit[]; next: number | undefined; exchange: RawExchange }> {
    const body = {
      filterGroups: [{ filters }],
      sorts: [{ propertyName: sortBy, direction: 'ASCENDING' }],
      properties,
      limit,
      ...(after > 0 ? { after: String(after) } : {}),
    };
    const { json, exchange } = await client.post(SEARCH_PATH, body, 'search', context.stats, context.signal);
    const page = parsePage(searchPageSchema, json, 'hubspot', SEARCH_PATH);
    const hits = page.results.map((record) => {
      const r = record as { id?: unknown; properties?: Record<string, unknown> } | null;
      const id = typeof r?.id === 'string' && /^\d+$/.test(r.id) ? r.id : undefined;
      const modified = r?.properties?.lastmodifieddate;
      const modifiedMs = typeof modified === 'string' ? parseModified(modified) : undefined;
      return { record, id, modifiedMs };
    });
    const nextAfter = page.paging?.next?.after;
    return { hits, next: nextAfter === undefined ? undefined : Number(nextAfter), exchange };
  }

  async function withHistory(
    hits: readonly SearchHit[],
    context: StreamContext,
  ): Promise<{ records: ContactWithHistory[]; exchanges: RawExchange[] }> {
    const ids = [...new Set(hits.map((h) => h.id).filter((id): id is string => id !== undefined))];
    const history = new Map<string, unknown>();
    const exchanges: RawExchange[] = [];
    for (let i = 0; i < ids.length; i += BATCH_READ_MAX) {
      const body = {
        inputs: ids.slice(i, i + BATCH_READ_MAX).map((id) => ({ id })),
        properties: tracked,
        propertiesWithHistory: tracked,
      };
      const { json, exchange } = await client.post(
        BATCH_READ_PATH,
        body,
        'api',
        context.stats,
        context.signal,
      );
      exchanges.push(exchange);
      const page = parsePage(batchReadPageSchema, json, 'hubspot', BATCH_READ_PATH);
      for (const result of page.results) {
        const id = (result as { id?: unknown } | null)?.id;
        if (typeof id === 'string') history.set(id, result);
      }
    }
    return {
      records: hits.map((h) => ({
        contact: h.record,
        history: h.id === undefined ? undefined : history.get(h.id),
      })),
      exchanges,
    };
  }

  return {
    name: 'contacts',
    primaryKey,
    cursorField,
    landingStreams: ['contacts', 'contact_snapshots', 'contact_pii'],
    stateSchema: contactsStateSchema,
    initialState: () => ({ modifiedMs: startMs, idAfter: '-1' }),
    resumeState(checkpoint) {
      if (config.lookbackMinutes === 0) return checkpoint;
      return {
        modifiedMs: Math.max(startMs, checkpoint.modifiedMs - config.lookbackMinutes * 60_000),
        idAfter: '-1',
      };
    },
    async *readPages(start, context): AsyncGenerator<ExtractedPage<ContactsState>> {
      let state = start;
      for (;;) {
        // 1. Drain the contacts modified exactly at state.modifiedMs by keyset on the id: every
        //    query starts after the last id read, so the result cap never applies.
        for (;;) {
          const filters = [
            { propertyName: 'lastmodifieddate', operator: 'EQ', value: String(state.modifiedMs) },
            { propertyName: 'hs_object_id', operator: 'GT', value: state.idAfter },
          ];
          const { hits, next, exchange } = await search(filters, 'hs_object_id', 0, context);
          const ids = hits.map((h) => h.id).filter((id): id is string => id !== undefined);
          const lastId = ids.reduce((max, id) => (BigInt(id) > BigInt(max) ? id : max), state.idAfter);
          if (hits.length > 0 && lastId === state.idAfter) {
            throw new SourceProtocolError(
              'hubspot',
              SEARCH_PATH,
              `ties after hs_object_id ${state.idAfter} did not move forward`,
            );
          }
          const { records, exchanges } = await withHistory(hits, context);
          state = { modifiedMs: state.modifiedMs, idAfter: lastId };
          if (hits.length > 0) yield { exchanges: [exchange, ...exchanges], records, state };
          if (next === undefined || hits.length === 0) break;
        }
        // 2. Everything after that instant, in lastmodifieddate order, until the cap or the end.
        const base = state.modifiedMs;
        let after = 0;
        let reachedEnd = false;
        for (;;) {
          const filters = [{ propertyName: 'lastmodifieddate', operator: 'GT', value: String(base) }];
          const { hits, next, exchange } = await search(filters, 'lastmodifieddate', after, context);
          const times = hits.map((h) => h.modifiedMs).filter((t): t is number => t !== undefined);
          const pageMax = times.length > 0 ? Math.max(...times) : state.modifiedMs;
          if (pageMax < state.modifiedMs) {
            throw new SourceProtocolError(
              'hubspot',
              SEARCH_PATH,
              'results are not sorted by lastmodifieddate',
            );
          }
          const { records, exchanges } = await withHistory(hits, context);
          // Ties at pageMax may continue on the next page: the checkpoint keeps none of them as done.
          state = pageMax > state.modifiedMs ? { modifiedMs: pageMax, idAfter: '-1' } : state;
          if (hits.length > 0) yield { exchanges: [exchange, ...exchanges], records, state };
          if (next === undefined || hits.length === 0) {
            reachedEnd = true;
            break;
          }
          if (next + limit > SEARCH_RESULT_CAP) break;
          after = next;
        }
        if (reachedEnd) return;
      }
    },
    toLandingRows: (record, context) => contactToLandingRows(record as ContactWithHistory, config, context),
    describeRecord: (record) => {
      const id = ((record as ContactWithHistory).contact as { id?: unknown } | null)?.id;
      return `contact ${typeof id === 'string' ? id : '?'}`;
    },
  };
}

function parseModified(value: string): number | undefined {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
