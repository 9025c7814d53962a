import type { FixtureRequest, FixtureResponse } from '#tests/connectors/fixture-server.ts';

export interface FixtureContact {
  readonly id: string;
  readonly email: string;
  readonly lastmodified: number;
  /** [timestamp ms, vip tier] changes, oldest first. */
  readonly vipHistory: readonly [number, string][];
}

interface Filter {
  propertyName: string;
  operator: string;
  value: string;
}

/**
 * The documented behaviour of HubSpot's contacts search and batch read, over an in-memory list:
 * EQ/GT/GTE filters, one ascending sort, `after` offsets, and a 400 for any page past 10,000 results.
 */
export function hubspotSearchFixture(contacts: readonly FixtureContact[]) {
  const counts = { search: 0, batchRead: 0, pastCap: 0 };
  function propertyOf(c: FixtureContact, property: string): number {
    return property === 'hs_object_id' ? Number(c.id) : c.lastmodified;
  }
  function handler(request: FixtureRequest): FixtureResponse {
    if (request.url.pathname === '/crm/v3/objects/contacts/search') {
      counts.search += 1;
      const body = request.body as {
        filterGroups: { filters: Filter[] }[];
        sorts: { propertyName: string }[];
        limit: number;
        after?: string;
      };
      const after = Number(body.after ?? 0);
      if (after + body.limit > 10_000) {
        counts.pastCap += 1;
        return { status: 400, body: { status: 'error', message: 'Cannot page past 10000 results' } };
      }
      const filters = body.filterGroups[0]?.filters ?? [];
      const matching = contacts.filter((c) =>
        filters.every((f) => {
          const v = propertyOf(c, f.propertyName);
          const target = Number(f.value);
          return f.operator === 'EQ' ? v === target : f.operator === 'GT' ? v > target : v >= target;
        }),
      );
      const sortBy = body.sorts[0]?.propertyName ?? 'hs_object_id';
      // Ties keep id order, as HubSpot's do in practice.
      matching.sort((a, b) => propertyOf(a, sortBy) - propertyOf(b, sortBy) || Number(a.id) - Number(b.id));
      const page = matching.slice(after, after + body.limit);
      const next =
        after + body.limit < matching.length ? { next: { after: String(after + body.limit) } } : {};
      return {
        body: {
          total: matching.length,
          results: page.map((c) => ({
            id: c.id,
            properties: {
              email: c.email,
              firstname: 'Ann',
              lastname: 'Lee',
              phone: null,
              createdate: new Date(c.vipHistory[0]?.[0] ?? c.lastmodified).toISOString(),
              lastmodifieddate: new Date(c.lastmodified).toISOString(),
              hs_object_id: c.id,
              vip_tier: c.vipHistory.at(-1)?.[1] ?? null,
              kyc_level: '2',
              last_trade_at: null,
            },
            createdAt: new Date(c.vipHistory[0]?.[0] ?? c.lastmodified).toISOString(),
            updatedAt: new Date(c.lastmodified).toISOString(),
            archived: false,
          })),
          paging: next,
        },
      };
    }
    if (request.url.pathname === '/crm/v3/objects/contacts/batch/read') {
      counts.batchRead += 1;
      const body = request.body as { inputs: { id: string }[]; propertiesWithHistory?: string[] };
      // HubSpot: 100 inputs per batch read, 50 when property histories are asked for.
      const max = (body.propertiesWithHistory ?? []).length > 0 ? 50 : 100;
      if (body.inputs.length > max) return { status: 400, body: { message: 'too many inputs' } };
      const byId = new Map(contacts.map((c) => [c.id, c]));
      return {
        body: {
          status: 'COMPLETE',
          results: body.inputs
            .map((input) => byId.get(input.id))
            .filter((c) => c !== undefined)
            .map((c) => ({
              id: c.id,
              properties: { vip_tier: c.vipHistory.at(-1)?.[1] ?? null },
              propertiesWithHistory: {
                // HubSpot lists history newest first.
                vip_tier: [...c.vipHistory].reverse().map(([at, value]) => ({
                  value,
                  timestamp: new Date(at).toISOString(),
                  sourceType: 'CRM_UI',
                })),
                kyc_level: [{ value: '2', timestamp: new Date(c.vipHistory[0]?.[0] ?? 0).toISOString() }],
              },
            })),
        },
      };
    }
    return { status: 404, body: { message: 'not found' } };
  }
  return { handler, counts };
}
