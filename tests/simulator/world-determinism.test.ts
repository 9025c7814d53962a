import { describe, expect, it } from 'vitest';
import { isBusinessTime } from '#simulator/business-hours.ts';
import { customerPhrases } from '#simulator/phrase-banks.ts';
import { type RunningSimulator, startSimulator } from '#simulator/start-simulator.ts';
import { groupByName, securityCategories } from '#simulator/world-catalog.ts';
import { hubspotPost, smallWorld, zendeskGet } from './simulator-test-client.ts';

async function responses(sim: RunningSimulator): Promise<string[]> {
  return [
    (
      await zendeskGet(sim, '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=300')
    ).text.replaceAll(sim.zendeskUrl, ''),
    (
      await zendeskGet(sim, '/api/v2/incremental/ticket_events.json?start_time=0&include=comment_events')
    ).text.replaceAll(sim.zendeskUrl, ''),
    (
      await hubspotPost(sim, '/crm/v3/objects/contacts/search', {
        limit: 100,
        properties: ['vip_tier', 'last_trade_at'],
      })
    ).text,
  ];
}

describe('the simulated world', () => {
  it('is byte-identical for the same seed and different for another', async () => {
    // Prepare
    const a = await startSimulator(smallWorld);
    const b = await startSimulator(smallWorld);
    const c = await startSimulator({ ...smallWorld, seed: 12 });
    try {
      // Act
      const [ra, rb, rc] = [await responses(a), await responses(b), await responses(c)];
      // Assess
      expect(ra).toEqual(rb);
      expect(rc[0]).not.toBe(ra[0]);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('routes security categories to L3 Security and staffs the VIP phone line only in business hours', async () => {
    // Prepare
    const sim = await startSimulator({ ...smallWorld, days: 14, ticketsPerDay: 80 });
    try {
      // Act
      const security = new Set<string | null>();
      let vipReplies = 0;
      let vipWrittenOutOfHours = 0;
      for await (const f of sim.truth.tickets()) {
        if (
          securityCategories.includes(f.category as never) &&
          !f.isDeleted &&
          !f.isMergedAway &&
          !f.isAgentCreated
        )
          security.add(f.groupName);
        if (f.groupName === 'VIP Desk' && f.firstReplyAt && !f.isEscalated && f.channel === 'voice') {
          vipReplies++;
          expect(isBusinessTime(Date.parse(f.firstReplyAt) / 1000)).toBe(true);
        }
        // Its written channels are staffed around the clock (docs/SIMULATOR-CALIBRATION.md).
        if (f.groupName === 'VIP Desk' && f.firstReplyAt && f.channel !== 'voice')
          if (!isBusinessTime(Date.parse(f.firstReplyAt) / 1000)) vipWrittenOutOfHours++;
      }
      // Assess
      expect(security).toEqual(new Set(['L3 Security']));
      expect(vipReplies).toBeGreaterThan(0);
      expect(vipWrittenOutOfHours).toBeGreaterThan(0);
      expect(groupByName('VIP Desk').businessHours).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('labels every customer message, built from the phrase banks of its language', async () => {
    // Prepare
    const sim = await startSimulator(smallWorld);
    try {
      const labels = new Set<string>();
      let n = 0;
      // Act
      for await (const m of sim.truth.customerMessages()) {
        n++;
        labels.add(m.sentiment);
        // The first sentence carries the label; a second one is of the same label or neutral.
        const banks = customerPhrases[m.language as keyof typeof customerPhrases];
        const opening = banks[m.sentiment].find((p) => m.body.startsWith(p));
        expect(opening).toBeDefined();
        const rest = m.body.slice((opening as string).length).trim();
        if (rest !== '') expect([...banks[m.sentiment], ...banks.neutral]).toContain(rest);
      }
      // Assess
      expect(n).toBeGreaterThan(100);
      expect(labels).toEqual(new Set(['positive', 'neutral', 'negative']));
    } finally {
      await sim.close();
    }
  });

  it('has market-crash days with several times the volume', async () => {
    // Prepare: every day is a crash day in one world, none in the other
    const calm = await startSimulator({ ...smallWorld, days: 2 });
    const crash = await startSimulator({ ...smallWorld, days: 2, crashDayRate: 1 });
    try {
      // Act
      const [c, k] = [(await calm.truth.idSet('tickets')).size, (await crash.truth.idSet('tickets')).size];
      // Assess
      expect(k).toBeGreaterThan(4 * c);
    } finally {
      await Promise.all([calm.close(), crash.close()]);
    }
  });
});
