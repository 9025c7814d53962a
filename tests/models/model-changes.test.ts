import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readModelChanges } from '#src/models/model-changes.ts';
import { runTransform } from '#src/models/run-transform.ts';
import { createLandingWorld, type LandingWorld, ticketRow } from './helpers/landing-world.ts';

let world: LandingWorld;
beforeEach(async () => {
  world = await createLandingWorld();
});
afterEach(() => world.close());

const transform = (runId: string, now: string) =>
  runTransform({
    engine: world.engine,
    store: world.store,
    runId,
    modelsDir: world.modelsDir,
    now: new Date(now),
  });

describe('the change log the transform records for the publisher', () => {
  it('says a first build changed everything, then only the partitions a later run merged', async () => {
    // Prepare: tickets of January and February, then a day that changes one January ticket
    await world.land('tickets', '2026-02-02', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z' }),
      ticketRow({ ticket_id: 2, created_at: '2026-02-01T10:00:00Z' }),
    ]);
    await transform('run-1', '2026-02-02T06:00:00Z');
    const afterFirst = await readModelChanges(world.engine, undefined);
    await world.land('tickets', '2026-02-03', 'x2', [
      ticketRow({
        ticket_id: 1,
        created_at: '2026-01-01T10:00:00Z',
        status: 'solved',
        updated_at: '2026-02-03T09:00:00Z',
      }),
    ]);

    // Act
    await transform('run-2', '2026-02-03T06:00:00Z');
    const sinceFirst = await readModelChanges(world.engine, afterFirst?.through);

    // Assess
    expect(afterFirst?.changed.get('int_tickets_current')).toBe('all');
    expect(afterFirst?.tracked.has('stg_zendesk__tickets')).toBe(true);
    expect(sinceFirst?.changed.get('int_tickets_current')).toEqual(new Set(['2026-01']));
    // A view may read anything that changed: always "all".
    expect(sinceFirst?.changed.get('stg_zendesk__tickets')).toBe('all');
    expect(sinceFirst?.through && afterFirst?.through && sinceFirst.through > afterFirst.through).toBe(true);
  });
});
