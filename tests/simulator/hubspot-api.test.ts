import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '#simulator/start-simulator.ts';
import { fixture, hubspotGet, hubspotPost, shapeDifferences, smallWorld } from './simulator-test-client.ts';

const search = '/crm/v3/objects/contacts/search';

describe('the HubSpot-compatible CRM', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ ...smallWorld, bulkImportContacts: 10_050 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('searches contacts in the documented shape, sorted and paged with after', async () => {
    // Act
    const first = await hubspotPost(sim, search, {
      limit: 50,
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    });
    const second = await hubspotPost(sim, search, {
      limit: 50,
      after: first.json.paging.next.after,
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    });
    // Assess
    expect(first.status).toBe(200);
    expect(shapeDifferences(fixture('hubspot-contacts-search.json'), first.json)).toEqual([]);
    const dates = [...first.json.results, ...second.json.results].map(
      (r: { properties: { lastmodifieddate: string } }) => Date.parse(r.properties.lastmodifieddate),
    );
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    expect(first.json.total).toBe((await sim.truth.idSet('contacts')).size);
  });

  it('filters on lastmodifieddate (epoch ms or ISO) and hs_object_id, groups ORed and filters ANDed', async () => {
    // Prepare
    const since = Date.parse('2026-08-03T00:00:00Z');
    const filters = [
      { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) },
      { propertyName: 'hs_object_id', operator: 'LT', value: '1200' },
    ];
    // Act
    const ms = await hubspotPost(sim, search, { limit: 200, filterGroups: [{ filters }] });
    const iso = await hubspotPost(sim, search, {
      limit: 200,
      filterGroups: [{ filters: [{ ...filters[0], value: new Date(since).toISOString() }, filters[1]] }],
    });
    const either = await hubspotPost(sim, search, {
      limit: 1,
      filterGroups: [{ filters: [filters[0]] }, { filters: [filters[1]] }],
    });
    // Assess
    expect(ms.json.total).toBeGreaterThan(0);
    expect(iso.json.total).toBe(ms.json.total);
    for (const r of ms.json.results) {
      expect(Date.parse(r.properties.lastmodifieddate)).toBeGreaterThanOrEqual(since);
      expect(Number(r.id)).toBeLessThan(1200);
    }
    expect(either.json.total).toBeGreaterThan(ms.json.total);
  });

  it("answers 400 with HubSpot's error body when paging past 10,000 results of one timestamp", async () => {
    // Prepare: the bulk import gave 10,050 contacts one shared lastmodifieddate
    const importMs = sim.crm.importMs;
    const body = {
      limit: 200,
      filterGroups: [
        { filters: [{ propertyName: 'lastmodifieddate', operator: 'EQ', value: String(importMs) }] },
      ],
    };
    // Act
    const page = await hubspotPost(sim, search, { ...body, after: '9800' });
    const past = await hubspotPost(sim, search, { ...body, after: '10000' });
    // Assess
    expect(page.json.total).toBe(10_050);
    expect(page.json.paging.next.after).toBe('10000');
    expect(past.status).toBe(400);
    expect(shapeDifferences(fixture('hubspot-error.json'), past.json)).toEqual([]);
    expect(past.json.category).toBe('VALIDATION_ERROR');
  });

  it('reads contacts in batches with property history, newest first', async () => {
    // Prepare: customers whose VIP tier changed
    const ids = Array.from({ length: 50 }, (_, i) => ({ id: String(1001 + i) }));
    // Act
    const a = await hubspotPost(sim, '/crm/v3/objects/contacts/batch/read', {
      inputs: ids,
      properties: ['vip_tier', 'kyc_level', 'last_trade_at'],
      propertiesWithHistory: ['vip_tier', 'last_trade_at'],
    });
    const tooMany = await hubspotPost(sim, '/crm/v3/objects/contacts/batch/read', {
      inputs: [...ids, { id: '2000' }],
      propertiesWithHistory: ['vip_tier'],
    });
    // Assess
    expect(a.status).toBe(200);
    expect(shapeDifferences(fixture('hubspot-contacts-batch-read.json'), a.json)).toEqual([]);
    const changed = a.json.results.filter((r: any) => r.propertiesWithHistory.vip_tier.length > 1);
    expect(changed.length).toBeGreaterThan(0);
    for (const r of a.json.results) {
      const times = r.propertiesWithHistory.last_trade_at.map((h: { timestamp: string }) =>
        Date.parse(h.timestamp),
      );
      expect(times).toEqual([...times].sort((x, y) => y - x));
      expect(r.properties.vip_tier).toBe(r.propertiesWithHistory.vip_tier[0].value);
    }
    expect(tooMany.status).toBe(400);
  });

  it('lists NPS feedback submissions with after paging, each once', async () => {
    // Act
    const ids: string[] = [];
    let after = '';
    let first: any;
    for (;;) {
      const a = await hubspotGet(
        sim,
        `/crm/v3/objects/feedback_submissions?limit=7&properties=hs_survey_type,hs_response_value,hs_submission_timestamp,hs_contact_id${after ? `&after=${after}` : ''}`,
      );
      first ??= a.json;
      ids.push(...a.json.results.map((r: { id: string }) => r.id));
      if (!a.json.paging.next) break;
      after = a.json.paging.next.after;
    }
    // Assess
    expect(shapeDifferences(fixture('hubspot-feedback-submissions.json'), first)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(await sim.truth.idSet('survey_responses'));
    const p = first.results[0].properties;
    expect(p.hs_survey_type).toBe('NPS');
    expect(Number(p.hs_response_value)).toBeGreaterThanOrEqual(0);
    expect(Number(p.hs_response_value)).toBeLessThanOrEqual(10);
  });

  it('refuses a missing or wrong bearer token with 401', async () => {
    // Act
    const wrong = await hubspotPost(sim, search, {}, 'nope');
    // Assess
    expect(wrong.status).toBe(401);
    expect(wrong.json.category).toBe('INVALID_AUTHENTICATION');
  });
});
