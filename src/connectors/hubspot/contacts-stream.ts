import * as z from 'zod';
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
/**
 * Inputs per batch read. HubSpot takes 100 per batch read, but only 50 when the request asks for
 * `propertiesWithHistory` (400 VALIDATION_ERROR "The maximum number of inputs supported in a batch
 * request for property histories is 50"), and this stream always asks for history.
 * See docs/SOURCE-LIMITS.md.
 */
export const HISTORY_BATCH_READ_MAX = 50;

/**
 * Where the stream stands. `idAfter` = NONE: every contact modified before `modifiedMs` is written
 * (those modified exactly then may not all be). Otherwise: those before `modifiedMs` and those
 * modified exactly then with an id up to `idAfter` are written.
 */
export const contactsStateSchema = z.strictObject({
  modifiedMs: z.number().int(),
  /** Decimal object id, or "none". */
  idAfter: z.string().regex(/^(-?\d+|none)$/),
  /**
   * While a pass is under way: the instant its versions are landed from. A pass stopped half-way
   * resumes from this, not from its checkpoint: a contact it had not reached yet may hold versions
   * from before the checkpoint (it was modified again since) that no run has landed. Absent once
   * a pass has read to the end.
   */
  versionsFromMs: z.number().int().optional(),
});
export type ContactsState = z.infer<typeof contactsStateSchema>;
const NONE = 'none';

interface SearchHit {
  readonly record: unknown;
  readonly id: string | undefined;
  readonly modifiedMs: number | undefined;
}

/**
 * CRM contacts through the search API, with their property history from the batch read (so the
 * VIP tier and last_trade_at at any moment can be rebuilt).
 *
 * The search API sorts by one property, pages by offset and stops at 10,000 results a query, and
 * contacts modified during the read move to the end, which shifts every offset after them. So no
 * offset is ever used: each page is a new query from the latest lastmodifieddate of the page
 * before (`>=`, re-reading that instant's ties). A full page of one instant (a bulk import) cannot
 * move that filter on, so the instant is drained by keyset on hs_object_id
 * (`lastmodifieddate = t AND hs_object_id > last id`) and the stream continues after it. Every
 * query moves the position strictly forward: no loop, however many contacts share a timestamp.
 */
export function contactsStream(client: HubspotClient, config: HubspotConfig): SourceStream<ContactsState> {
  // Contacts are a dimension: a customer last modified before the start date still opens tickets.
  const startMs = 0;
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
    context: StreamContext,
  ): Promise<{ hits: SearchHit[]; exchange: RawExchange }> {
    const body = {
      filterGroups: [{ filters }],
      sorts: [{ propertyName: sortBy, direction: 'ASCENDING' }],
      properties,
      limit,
    };
    const { json, exchange } = await client.post(SEARCH_PATH, body, 'search', context);
    const page = parsePage(searchPageSchema, json, 'hubspot', SEARCH_PATH);
    const hits = page.results.map((record) => {
      const r = record as { id?: unknown; properties?: Record<string, unknown> } | null;
      const id = typeof r?.id === 'string' && /^\d+$/.test(r.id) ? r.id : undefined;
      const modified = r?.properties?.lastmodifieddate;
      const modifiedMs = typeof modified === 'string' ? parseModified(modified) : undefined;
      return { record, id, modifiedMs };
    });
    return { hits, exchange };
  }

  async function readHistory(
    hits: readonly SearchHit[],
    context: StreamContext,
  ): Promise<{ records: ContactWithHistory[]; exchanges: RawExchange[] }> {
    const ids = [...new Set(hits.map((h) => h.id).filter((id): id is string => id !== undefined))];
    const history = new Map<string, unknown>();
    const exchanges: RawExchange[] = [];
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += HISTORY_BATCH_READ_MAX)
      batches.push(ids.slice(i, i + HISTORY_BATCH_READ_MAX));
    // The batches of one page are independent: sent together, still paced by the app limit.
    const answers = await Promise.all(
      batches.map((batch) =>
        client.post(
          BATCH_READ_PATH,
          { inputs: batch.map((id) => ({ id })), properties: tracked, propertiesWithHistory: tracked },
          'api',
          context,
        ),
      ),
    );
    for (const { json, exchange } of answers) {
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
    initialState: () => ({ modifiedMs: startMs, idAfter: NONE, versionsFromMs: startMs }),
    resumeState(checkpoint) {
      const modifiedMs =
        config.lookbackMinutes === 0
          ? checkpoint.modifiedMs
          : Math.max(startMs, checkpoint.modifiedMs - config.lookbackMinutes * 60_000);
      return {
        modifiedMs,
        idAfter: config.lookbackMinutes === 0 ? checkpoint.idAfter : '-1',
        versionsFromMs: Math.min(modifiedMs, checkpoint.versionsFromMs ?? modifiedMs),
      };
    },
    async *readPages(start, context): AsyncGenerator<ExtractedPage<ContactsState>> {
      // Versions from this instant on are landed; older ones were landed by the runs before (each
      // version starts at a change of the contact, which moved its lastmodifieddate past it then).
      const versionsFromMs = start.versionsFromMs ?? start.modifiedMs;
      let state: ContactsState = { ...start, versionsFromMs };
      const withHistory = async (hits: readonly SearchHit[], ctx: StreamContext) => {
        const read = await readHistory(hits, ctx);
        return { ...read, records: read.records.map((r) => ({ ...r, versionsFromMs })) };
      };
      for (;;) {
        if (state.idAfter !== NONE) {
          // Drain the instant state.modifiedMs by keyset on the id, then go past it.
          const filters = [
            { propertyName: 'lastmodifieddate', operator: 'EQ', value: String(state.modifiedMs) },
            { propertyName: 'hs_object_id', operator: 'GT', value: state.idAfter },
          ];
          const { hits, exchange } = await search(filters, 'hs_object_id', context);
          const lastId = hits
            .map((h) => h.id)
            .filter((id): id is string => id !== undefined)
            .reduce((max, id) => (BigInt(id) > BigInt(max) ? id : max), state.idAfter);
          if (hits.length > 0 && lastId === state.idAfter) {
            throw new SourceProtocolError(
              'hubspot',
              SEARCH_PATH,
              `ties after hs_object_id ${state.idAfter} did not move forward`,
            );
          }
          const done = hits.length < limit;
          const { records, exchanges } = await withHistory(hits, context);
          state = done
            ? { modifiedMs: state.modifiedMs + 1, idAfter: NONE, versionsFromMs }
            : { modifiedMs: state.modifiedMs, idAfter: lastId, versionsFromMs };
          yield { exchanges: [exchange, ...exchanges], records, state };
          continue;
        }
        // Everything from state.modifiedMs on, oldest first: one page per query, never an offset.
        const filters = [
          { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(state.modifiedMs) },
        ];
        const { hits, exchange } = await search(filters, 'lastmodifieddate', context);
        const times = hits.map((h) => h.modifiedMs).filter((t): t is number => t !== undefined);
        const pageMin = times.length > 0 ? Math.min(...times) : state.modifiedMs;
        const pageMax = times.length > 0 ? Math.max(...times) : state.modifiedMs;
        if (pageMin < state.modifiedMs) {
          throw new SourceProtocolError(
            'hubspot',
            SEARCH_PATH,
            `results modified before ${state.modifiedMs} in a lastmodifieddate >= query`,
          );
        }
        const full = hits.length >= limit;
        const { records, exchanges } = await withHistory(hits, context);
        if (!full) {
          // The end for now: the next run starts at the latest instant seen (its ties are read again),
          // and lands the versions from there. Written even without records: it closes the pass.
          state = { modifiedMs: pageMax, idAfter: NONE };
          yield { exchanges: [exchange, ...exchanges], records, state };
          return;
        }
        // A full page of one instant cannot move the filter on: drain that instant by id next.
        state =
          pageMax === state.modifiedMs
            ? { modifiedMs: pageMax, idAfter: '-1', versionsFromMs }
            : { modifiedMs: pageMax, idAfter: NONE, versionsFromMs };
        yield { exchanges: [exchange, ...exchanges], records, state };
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
