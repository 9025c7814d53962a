import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '#simulator/start-simulator.ts';
import {
  fixture,
  hubspotPost,
  shapeDifferences,
  smallWorld,
  zendeskGet,
} from '#tests/simulator/simulator-test-client.ts';

/*
 * Every documented source limit the connectors rely on (docs/SOURCE-LIMITS.md), enforced by the
 * simulator with the vendor's own error shape: one step inside the limit is answered, one step past
 * it is refused the way the real API refuses it.
 */
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ ...smallWorld, fast: true });
});
afterAll(async () => {
  await sim.close();
});

const BATCH_READ = '/crm/v3/objects/contacts/batch/read';
const SEARCH = '/crm/v3/objects/contacts/search';
const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(1001 + i) }));

describe('the HubSpot-compatible CRM', () => {
  it('reads 50 contacts with property history in one batch and refuses 51 as HubSpot does', async () => {
    // Act
    const fifty = await hubspotPost(sim, BATCH_READ, {
      inputs: ids(50),
      propertiesWithHistory: ['vip_tier'],
    });
    const fiftyOne = await hubspotPost(sim, BATCH_READ, {
      inputs: ids(51),
      propertiesWithHistory: ['vip_tier'],
    });

    // Assess
    expect(fifty.status).toBe(200);
    expect(fiftyOne.status).toBe(400);
    expect(shapeDifferences(fixture('hubspot-error.json'), fiftyOne.json)).toEqual([]);
    expect(fiftyOne.json.category).toBe('VALIDATION_ERROR');
    expect(fiftyOne.json.message).toContain(
      'The maximum number of inputs supported in a batch request for property histories is 50',
    );
  });

  it('reads 100 contacts without history in one batch and refuses 101', async () => {
    const hundred = await hubspotPost(sim, BATCH_READ, { inputs: ids(100), properties: ['vip_tier'] });
    const hundredOne = await hubspotPost(sim, BATCH_READ, { inputs: ids(101), properties: ['vip_tier'] });

    expect(hundred.status).toBe(200);
    expect(hundredOne.status).toBe(400);
    expect(shapeDifferences(fixture('hubspot-error.json'), hundredOne.json)).toEqual([]);
  });

  it('returns at most 200 search results a page and refuses a larger limit', async () => {
    const inside = await hubspotPost(sim, SEARCH, { limit: 200 });
    const past = await hubspotPost(sim, SEARCH, { limit: 201 });

    expect(inside.status).toBe(200);
    expect(inside.json.results.length).toBeLessThanOrEqual(200);
    expect(past.status).toBe(400);
    expect(shapeDifferences(fixture('hubspot-error.json'), past.json)).toEqual([]);
  });

  it('refuses to page a search past its 10,000th result', async () => {
    const past = await hubspotPost(sim, SEARCH, { limit: 100, after: '10000' });

    expect(past.status).toBe(400);
    expect(past.json.category).toBe('VALIDATION_ERROR');
    expect(past.json.message).toContain('10000');
  });

  it('refuses more than 5 filter groups, 10 filters in a group, 25 filters in all, or a query over 3,000 characters', async () => {
    // Prepare
    const filter = { propertyName: 'hs_object_id', operator: 'GT', value: '0' };
    const group = (n: number) => ({ filters: Array.from({ length: n }, () => filter) });

    // Act
    const answers = await Promise.all([
      hubspotPost(sim, SEARCH, { limit: 1, filterGroups: Array.from({ length: 5 }, () => group(5)) }),
      hubspotPost(sim, SEARCH, { limit: 1, filterGroups: Array.from({ length: 6 }, () => group(1)) }),
      hubspotPost(sim, SEARCH, { limit: 1, filterGroups: [group(11)] }),
      hubspotPost(sim, SEARCH, { limit: 1, filterGroups: [group(10), group(10), group(6)] }),
      hubspotPost(sim, SEARCH, { limit: 1, query: 'x'.repeat(3001) }),
    ]);

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 400, 400, 400, 400]);
    for (const refused of answers.slice(1))
      expect(shapeDifferences(fixture('hubspot-error.json'), refused.json)).toEqual([]);
  });
});

describe('the Zendesk-compatible ticket desk', () => {
  const nowS = () => Math.floor(sim.clock.nowMs() / 1000);
  const zendeskError = (a: { json: { error?: unknown; description?: unknown } }) => [
    typeof a.json.error,
    typeof a.json.description,
  ];

  it('serves at most 1000 records a page of an incremental export and refuses per_page=1001', async () => {
    const inside = await zendeskGet(
      sim,
      '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1000',
    );
    const past = await zendeskGet(sim, '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1001');
    const events = await zendeskGet(sim, '/api/v2/incremental/ticket_events.json?start_time=0&per_page=1001');

    expect(inside.status).toBe(200);
    expect(inside.json.tickets.length).toBeLessThanOrEqual(1000);
    expect([past.status, events.status]).toEqual([400, 400]);
    expect(zendeskError(past)).toEqual(['string', 'string']);
  });

  it('refuses an export whose start_time is within the last minute', async () => {
    const recent = await zendeskGet(sim, `/api/v2/incremental/tickets/cursor.json?start_time=${nowS() - 30}`);
    const events = await zendeskGet(sim, `/api/v2/incremental/ticket_events.json?start_time=${nowS() - 30}`);
    const older = await zendeskGet(sim, `/api/v2/incremental/ticket_events.json?start_time=${nowS() - 61}`);

    expect([recent.status, events.status, older.status]).toEqual([400, 400, 200]);
    expect(recent.json.description).toContain('Too recent start_time');
    expect(zendeskError(events)).toEqual(['string', 'string']);
  });

  it('serves cursor-paginated lists at most 100 a page and refuses page[size]=101', async () => {
    const inside = await zendeskGet(sim, '/api/v2/groups.json?page[size]=100');
    const past = await zendeskGet(sim, '/api/v2/satisfaction_ratings.json?page[size]=101');

    expect(inside.status).toBe(200);
    expect(past.status).toBe(400);
    expect(past.json.error).toBe('InvalidPaginationParameter');
  });
});
