import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '#simulator/start-simulator.ts';
import {
  fixture,
  shapeDifferences,
  smallWorld,
  walkTickets,
  zendeskAuth,
  zendeskGet,
} from './simulator-test-client.ts';

describe('the Zendesk-compatible ticket desk', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator(smallWorld);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('answers the incremental ticket export in the documented shape, with our custom fields', async () => {
    // Act
    const a = await zendeskGet(sim, '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=50');
    // Assess: compare with a rated ticket, as in the documented example
    expect(a.status).toBe(200);
    const rated = a.json.tickets.find(
      (t: { satisfaction_rating: { score: string } }) => t.satisfaction_rating.score === 'good',
    );
    expect(
      shapeDifferences(fixture('zendesk-incremental-tickets-cursor.json'), { ...a.json, tickets: [rated] }),
    ).toEqual([]);
    expect(a.json.tickets).toHaveLength(50);
    const fieldIds = a.json.tickets[0].custom_fields.map((f: { id: number }) => f.id);
    expect(fieldIds).toEqual([360000001001, 360000001002]);
    expect(a.json.end_of_stream).toBe(false);
  });

  it('returns every ticket in a full cursor walk, each once, and matches the ground truth', async () => {
    // Act
    const { tickets, pages } = await walkTickets(sim, 100);
    // Assess
    const ids = tickets.map((t) => t.id);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(await sim.truth.idSet('tickets'));
    const keys = tickets.map((t) => [t.generated_timestamp, t.id] as const);
    const sorted = [...keys].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    expect(keys).toEqual(sorted);
    const cutoff = sim.clock.nowSeconds() - 60;
    expect(tickets.every((t) => t.generated_timestamp <= cutoff)).toBe(true);
  });

  it('selects by generated_timestamp, so a later start time still returns tickets updated late', async () => {
    // Prepare: a start time in the middle of the world
    const start = Date.parse('2026-08-04T00:00:00Z') / 1000;
    // Act
    const a = await zendeskGet(sim, `/api/v2/incremental/tickets/cursor.json?start_time=${start}`);
    // Assess
    expect(a.json.tickets.length).toBeGreaterThan(0);
    expect(a.json.tickets.every((t: { generated_timestamp: number }) => t.generated_timestamp >= start)).toBe(
      true,
    );
    expect(a.json.tickets.some((t: { created_at: string }) => Date.parse(t.created_at) / 1000 < start)).toBe(
      true,
    );
  });

  it('returns a ticket again, with a newer generated_timestamp, once it changed after the cursor', async () => {
    // Prepare: a separate world whose clock we move
    const moving = await startSimulator({ ...smallWorld, now: '2026-08-05T12:00:00Z' });
    try {
      const first = await walkTickets(moving);
      // Act: a day later, continue from the stored cursor
      moving.clock.advance(24 * 3600 * 1000);
      const again = await zendeskGet(
        moving,
        `/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(first.lastCursor)}`,
      );
      // Assess
      const before = new Map(first.tickets.map((t) => [t.id, t.generated_timestamp]));
      const changed = again.json.tickets.filter((t: { id: number }) => before.has(t.id));
      expect(changed.length).toBeGreaterThan(0);
      for (const t of changed) expect(t.generated_timestamp).toBeGreaterThan(before.get(t.id) as number);
    } finally {
      await moving.close();
    }
  });

  it('reports deleted tickets with status deleted', async () => {
    // Prepare: a busier world so that spam deletions occur
    const busy = await startSimulator({ ...smallWorld, ticketsPerDay: 300, days: 3 });
    try {
      // Act
      const { tickets } = await walkTickets(busy);
      // Assess
      const deleted = tickets.filter((t) => t.status === 'deleted');
      expect(deleted.length).toBeGreaterThan(0);
      let truthDeleted = 0;
      for await (const f of busy.truth.tickets()) if (f.isDeleted) truthDeleted++;
      expect(deleted.length).toBe(truthDeleted);
    } finally {
      await busy.close();
    }
  });

  it('serves ticket events with comments, duplicates only at page boundaries, and every audit of the truth', async () => {
    // Act
    let url = '/api/v2/incremental/ticket_events.json?start_time=0&include=comment_events&per_page=200';
    const seen: number[] = [];
    let first: any;
    const boundaryRepeats = new Set<number>();
    let previousEndTime = -1;
    for (;;) {
      const a = await zendeskGet(sim, url);
      expect(a.status).toBe(200);
      first ??= a.json;
      for (const e of a.json.ticket_events) {
        if (seen.includes(e.id)) {
          // A repeat must be an event of the second the previous page ended on.
          expect(e.timestamp).toBe(previousEndTime);
          boundaryRepeats.add(e.id);
        }
        seen.push(e.id);
      }
      previousEndTime = a.json.end_time;
      if (a.json.end_of_stream) break;
      url = a.json.next_page;
    }
    // Assess
    expect(
      shapeDifferences(fixture('zendesk-incremental-ticket-events.json'), {
        ...first,
        ticket_events: [first.ticket_events[0]],
      }),
    ).toEqual([]);
    expect(new Set(seen)).toEqual(await sim.truth.idSet('ticket_events'));
    const children = first.ticket_events.flatMap((e: { child_events: unknown[] }) => e.child_events);
    const change = children.find((c: { event_type: string }) => c.event_type === 'Change');
    expect(shapeDifferences(fixture('zendesk-audit-change-event.json'), change)).toEqual([]);
    const comment = children.find((c: { event_type: string }) => c.event_type === 'Comment');
    expect(typeof comment.body).toBe('string');
    expect(boundaryRepeats.size).toBeGreaterThan(0);
  });

  it('leaves comment bodies out of ticket events unless comment_events is included', async () => {
    // Act
    const a = await zendeskGet(sim, '/api/v2/incremental/ticket_events.json?start_time=0&per_page=50');
    // Assess
    const children = a.json.ticket_events.flatMap(
      (e: { child_events: { event_type: string }[] }) => e.child_events,
    );
    expect(children.some((c: { event_type: string }) => c.event_type === 'Comment')).toBe(false);
    expect(a.json.ticket_events.some((e: { comment_present: boolean }) => e.comment_present)).toBe(true);
  });

  it('exports users with a cursor, bots flagged with the bot tag, every user once', async () => {
    // Act
    let url = '/api/v2/incremental/users/cursor.json?start_time=0&per_page=100';
    const users: any[] = [];
    let first: any;
    for (;;) {
      const a = await zendeskGet(sim, url);
      first ??= a.json;
      users.push(...a.json.users);
      if (a.json.end_of_stream) break;
      url = a.json.after_url;
    }
    // Assess
    expect(shapeDifferences(fixture('zendesk-incremental-users-cursor.json'), first)).toEqual([]);
    expect(new Set(users.map((u) => u.id))).toEqual(await sim.truth.idSet('users'));
    const bots = users.filter((u) => u.tags.includes('bot'));
    expect(bots).toHaveLength(1);
    expect(bots[0].role).toBe('agent');
  });

  it('pages groups with page[size] and page[after], naming the agreed groups', async () => {
    // Act
    const names: string[] = [];
    let url = '/api/v2/groups.json?page[size]=3';
    let first: any;
    for (;;) {
      const a = await zendeskGet(sim, url);
      first ??= a.json;
      names.push(...a.json.groups.map((g: { name: string }) => g.name));
      if (!a.json.meta.has_more) break;
      url = a.json.links.next;
    }
    // Assess
    expect(shapeDifferences(fixture('zendesk-groups.json'), first)).toEqual([]);
    expect(names).toEqual([
      'L1 Frontline',
      'L2 Specialists',
      'L2 Payments',
      'L3 Engineering',
      'L3 Security',
      'VIP Desk',
      'Chat Bot',
    ]);
  });

  it('pages satisfaction ratings and honours start_time', async () => {
    // Act
    let url = '/api/v2/satisfaction_ratings.json?page[size]=25';
    const ratings: any[] = [];
    let first: any;
    for (;;) {
      const a = await zendeskGet(sim, url);
      first ??= a.json;
      ratings.push(...a.json.satisfaction_ratings);
      if (!a.json.meta.has_more) break;
      url = a.json.links.next;
    }
    const start = Date.parse('2026-08-05T00:00:00Z') / 1000;
    const later = await zendeskGet(
      sim,
      `/api/v2/satisfaction_ratings.json?start_time=${start}&page[size]=100`,
    );
    // Assess
    expect(shapeDifferences(fixture('zendesk-satisfaction-ratings.json'), first)).toEqual([]);
    expect(new Set(ratings.map((r) => r.id))).toEqual(await sim.truth.idSet('satisfaction_ratings'));
    expect(new Set(ratings.map((r) => r.score))).toEqual(new Set(['offered', 'good', 'bad']));
    expect(
      later.json.satisfaction_ratings.every(
        (r: { updated_at: string }) => Date.parse(r.updated_at) / 1000 >= start,
      ),
    ).toBe(true);
  });

  it('accepts Basic email/token and Bearer credentials and refuses others with 401', async () => {
    // Act
    const basic = await zendeskGet(sim, '/api/v2/groups.json');
    const bearer = await zendeskGet(sim, '/api/v2/groups.json', `Bearer ${sim.credentials.zendeskToken}`);
    const wrong = await zendeskGet(
      sim,
      '/api/v2/groups.json',
      `Basic ${Buffer.from(`${sim.credentials.zendeskEmail}/token:nope`).toString('base64')}`,
    );
    const none = await zendeskGet(sim, '/api/v2/groups.json', '');
    // Assess
    expect([basic.status, bearer.status]).toEqual([200, 200]);
    expect([wrong.status, none.status]).toEqual([401, 401]);
    expect(wrong.json).toEqual({ error: "Couldn't authenticate you" });
    expect(zendeskAuth(sim)).toMatch(/^Basic /);
  });

  it('refuses a start_time within the last minute and a missing one', async () => {
    // Act
    const recent = await zendeskGet(
      sim,
      `/api/v2/incremental/tickets/cursor.json?start_time=${sim.clock.nowSeconds() - 10}`,
    );
    const missing = await zendeskGet(sim, '/api/v2/incremental/ticket_events.json');
    // Assess
    expect(recent.status).toBe(400);
    expect(missing.status).toBe(400);
    expect(recent.json.description).toMatch(/older than 1 minute/);
  });
});

describe('the ticket events export under a burst in one second', () => {
  it('returns a second holding more than per_page events whole and moves past it', async () => {
    // Prepare: find the busiest second of a small world
    const sim = await startSimulator(smallWorld);
    try {
      const counts = new Map<number, number>();
      let page = await zendeskGet(sim, '/api/v2/incremental/ticket_events.json?start_time=0');
      for (const e of page.json.ticket_events) counts.set(e.timestamp, (counts.get(e.timestamp) ?? 0) + 1);
      const [busiest, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] as [number, number];
      expect(n).toBeGreaterThan(1);
      // Act: a page smaller than that second
      page = await zendeskGet(sim, `/api/v2/incremental/ticket_events.json?start_time=${busiest}&per_page=1`);
      // Assess
      expect(page.json.count).toBe(n);
      expect(page.json.end_time).toBe(busiest + 1);
    } finally {
      await sim.close();
    }
  });
});
