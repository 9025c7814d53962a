import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runTransform } from '#src/models/run-transform.ts';
import { createLandingWorld, type LandingWorld, ticketRow } from './helpers/landing-world.ts';

/**
 * Property: building day by day (each day's landing files, then an incremental transform) leaves
 * the same tables as one full rebuild over all the files — including when tickets created months
 * earlier are updated later, and when a day holds several versions of one ticket.
 */

type Change = { kind: 'create'; status: string } | { kind: 'update'; pick: number; status: string };

const statusArb = fc.constantFrom('new', 'open', 'pending', 'solved', 'closed');
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), status: statusArb }),
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), status: statusArb }),
);
/** Days of the simulated period: each a list of changes; consecutive days are 17 days apart, so months roll over. */
const periodArb = fc.array(fc.array(changeArb, { minLength: 1, maxLength: 6 }), {
  minLength: 2,
  maxLength: 6,
});

interface Day {
  readonly dt: string;
  readonly pages: Record<string, unknown>[][];
}

function simulate(period: Change[][]): Day[] {
  const created: { id: number; created_at: string }[] = [];
  const start = Date.parse('2025-11-20T00:00:00Z');
  return period.map((changes, d) => {
    const dayStart = start + d * 17 * 86_400_000;
    const dt = new Date(dayStart).toISOString().slice(0, 10);
    const rows = changes.map((change, i) => {
      const at = new Date(dayStart + (i + 1) * 60_000).toISOString().replace('.000Z', 'Z');
      if (change.kind === 'create' || created.length === 0) {
        const ticket = { id: created.length + 1, created_at: at };
        created.push(ticket);
        return ticketRow({ ticket_id: ticket.id, created_at: at, status: change.status });
      }
      const ticket = created[change.pick % created.length] as { id: number; created_at: string };
      return ticketRow({
        ticket_id: ticket.id,
        created_at: ticket.created_at,
        updated_at: at,
        status: change.status,
      });
    });
    // Two pages a day when there is enough: one extraction run writes several files.
    const half = Math.ceil(rows.length / 2);
    return { dt, pages: rows.length > 2 ? [rows.slice(0, half), rows.slice(half)] : [rows] };
  });
}

async function snapshot(world: LandingWorld) {
  const current = await world.engine.execute('SELECT * FROM int_tickets_current ORDER BY ticket_id');
  const daily = await world.engine.execute(
    'SELECT * FROM int_ticket_daily_counts ORDER BY created_date, status',
  );
  return { current: current.rows, daily: daily.rows };
}

describe('an incremental build, day by day', () => {
  it('equals a full rebuild over the same landing files', async () => {
    await fc.assert(
      fc.asyncProperty(periodArb, async (period) => {
        const days = simulate(period);
        const daily = await createLandingWorld();
        const full = await createLandingWorld();
        try {
          // Act: day by day
          for (const [d, day] of days.entries()) {
            for (const page of day.pages) await daily.land('tickets', day.dt, `x${d}`, page);
            await runTransform({
              engine: daily.engine,
              store: daily.store,
              runId: `day-${d}`,
              modelsDir: daily.modelsDir,
            });
          }
          // Act: everything at once, full refresh
          for (const [d, day] of days.entries()) {
            for (const page of day.pages) await full.land('tickets', day.dt, `x${d}`, page);
          }
          await runTransform({
            engine: full.engine,
            store: full.store,
            runId: 'full',
            modelsDir: full.modelsDir,
            full: true,
          });
          // Assess
          const incremental = await snapshot(daily);
          const rebuilt = await snapshot(full);
          expect(incremental).toEqual(rebuilt);
          expect(incremental.current.length).toBe(
            new Set(days.flatMap((d) => d.pages.flat().map((r) => r.ticket_id))).size,
          );
        } finally {
          await daily.close();
          await full.close();
        }
      }),
      { numRuns: 5 },
    );
  }, 120_000);
});
