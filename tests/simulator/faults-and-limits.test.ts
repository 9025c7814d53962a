import { describe, expect, it } from 'vitest';
import { startSimulator } from '#simulator/start-simulator.ts';
import { hubspotPost, smallWorld, walkTickets, zendeskGet } from './simulator-test-client.ts';

const tickets = '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=50';

describe('rate limits and faults', () => {
  it('answers 429 with Retry-After once the incremental export limit is used up', async () => {
    // Prepare
    const sim = await startSimulator({
      ...smallWorld,
      fast: false,
      rateLimits: { zendeskIncrementalPerMinute: 2 },
    });
    try {
      // Act
      const answers = [
        await zendeskGet(sim, tickets),
        await zendeskGet(sim, tickets),
        await zendeskGet(sim, tickets),
      ];
      const groups = await zendeskGet(sim, '/api/v2/groups.json');
      // Assess
      expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
      expect(Number(answers[2]?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(groups.status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('limits HubSpot search to its per-second budget', async () => {
    // Prepare
    const sim = await startSimulator({
      ...smallWorld,
      fast: false,
      rateLimits: { hubspotSearchPerSecond: 1 },
    });
    try {
      // Act: two searches in the same second (sent together, so the first one's answer time,
      // which includes building the search table, cannot push the second into the next second)
      const answers = await Promise.all([
        hubspotPost(sim, '/crm/v3/objects/contacts/search', { limit: 1 }),
        hubspotPost(sim, '/crm/v3/objects/contacts/search', { limit: 1 }),
      ]);
      // Assess
      expect(answers.map((a) => a.status).sort()).toEqual([200, 429]);
      const refused = answers.find((a) => a.status === 429)!;
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.json.errorType).toBe('RATE_LIMIT');
    } finally {
      await sim.close();
    }
  });

  it('answers 5xx at the configured rate', async () => {
    // Prepare
    const sim = await startSimulator({ ...smallWorld, faults: { serverErrorRate: 1 } });
    try {
      // Act
      const a = await zendeskGet(sim, tickets);
      // Assess
      expect([500, 502, 503]).toContain(a.status);
      expect(a.json.error).toBeTypeOf('string');
    } finally {
      await sim.close();
    }
  });

  it('holds a request without answering when a timeout fault hits', async () => {
    // Prepare
    const sim = await startSimulator({ ...smallWorld, faults: { timeoutRate: 1 } });
    try {
      // Act
      const attempt = zendeskGet(sim, tickets, undefined, AbortSignal.timeout(300));
      // Assess: only the client's own deadline ends the request
      await expect(attempt).rejects.toThrow(/abort|timeout/i);
    } finally {
      await sim.close();
    }
  });

  it('still answers correctly when a slow fault delays the answer', async () => {
    // Prepare
    const sim = await startSimulator({ ...smallWorld, faults: { slowRate: 1, slowMs: 400 } });
    try {
      // Act
      const impatient = expect(
        zendeskGet(sim, tickets, undefined, AbortSignal.timeout(50)),
      ).rejects.toThrow();
      const patient = await zendeskGet(sim, tickets);
      // Assess
      await impatient;
      expect(patient.status).toBe(200);
      expect(patient.json.tickets).toHaveLength(50);
    } finally {
      await sim.close();
    }
  });

  it('serves the same records malformed on every read, as the truth lists them', async () => {
    // Prepare
    const sim = await startSimulator({ ...smallWorld, faults: { malformedRate: 0.05 } });
    try {
      // Act
      const first = await walkTickets(sim);
      const second = await walkTickets(sim);
      // Assess
      const broken = (list: any[]) =>
        list
          .filter(
            (t) =>
              typeof t.id !== 'number' || typeof t.created_at !== 'string' || typeof t.status !== 'string',
          )
          .map((t) => Number(String(t.id).replace('id-', '')));
      const expected: number[] = [];
      for await (const id of sim.truth.malformedIds('tickets')) expected.push(id as number);
      expect(expected.length).toBeGreaterThan(0);
      expect(broken(first.tickets).sort()).toEqual(expected.sort());
      expect(broken(second.tickets).sort()).toEqual(expected.sort());
    } finally {
      await sim.close();
    }
  });

  it('repeats a record inside a page when the duplicate fault hits', async () => {
    // Prepare
    const sim = await startSimulator({ ...smallWorld, faults: { duplicateRate: 1 } });
    try {
      // Act
      const a = await zendeskGet(sim, tickets);
      // Assess
      const ids = a.json.tickets.map((t: { id: number }) => t.id);
      expect(ids).toHaveLength(51);
      expect(new Set(ids).size).toBe(50);
    } finally {
      await sim.close();
    }
  });

  it('advances the world clock on every request so records change during a run', async () => {
    // Prepare
    const sim = await startSimulator({
      ...smallWorld,
      now: '2026-08-04T00:00:00Z',
      faults: { clockAdvanceSecondsPerRequest: 3600 },
    });
    try {
      const before = sim.clock.nowSeconds();
      // The tickets updated in the last hour before the clock: an hour later, that page has moved on.
      const recent = `/api/v2/incremental/tickets/cursor.json?start_time=${before - 3600}&per_page=50`;
      // Act
      const a = await zendeskGet(sim, recent);
      const b = await zendeskGet(sim, recent);
      // Assess
      expect(sim.clock.nowSeconds()).toBe(before + 7200);
      expect(b.text).not.toBe(a.text);
    } finally {
      await sim.close();
    }
  });
});
