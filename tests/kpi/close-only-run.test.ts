import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransformResult } from '#src/models/run-transform.ts';
import { createKpiWorld, type KpiWorld, tableSnapshot } from '#tests/kpi/helpers/kpi-world.ts';
import {
  commentRow,
  eventRow,
  groupRows,
  solvedTicketRows,
  ticketRow,
  userRow,
} from '#tests/kpi/helpers/landing-rows.ts';

/*
 * A run whose only news for a ticket is solved → closed updates that ticket's fct_tickets row but
 * recomputes no reporting month (solved counts as solved or closed: no KPI moves). January tickets
 * 1 and 2 are closed in run 2 and nothing else; December ticket 3 is closed in the same run and
 * also gets an agent reply that arrived late (its first reply moves), so December is recomputed.
 * Every mart still equals a full rebuild at the same now.
 */
const MARTS = readdirSync(join(import.meta.dirname, '../../sql/marts'), {
  recursive: true,
  encoding: 'utf8',
})
  .filter((f) => f.endsWith('.sql'))
  .map((f) => basename(f, '.sql'))
  .sort();

const RUN_1_AT = '2026-02-05T00:00:00Z';
const RUN_2_AT = '2026-02-20T00:00:00Z';
const RUN_3_AT = '2026-03-02T00:00:00Z';
const AGENT = 201;

/** What one incremental run recomputed, and every mart after it and after a full rebuild at the same now. */
interface RunOutcome {
  readonly result: TransformResult;
  readonly incremental: Map<string, string[]>;
  readonly rebuilt: Map<string, string[]>;
}

let world: KpiWorld;
let closeOnly: RunOutcome;
let closeWithReply: RunOutcome;

/** Rows as sorted text lines, doubles to 9 significant digits (sums may add in another order). */
const snapshot = (table: string) => tableSnapshot(world, table);

interface SolvedTicket {
  readonly id: number;
  readonly requester: number;
  readonly createdAt: string;
  readonly repliedAt: string;
  readonly solvedAt: string;
}

function solvedRows(t: SolvedTicket) {
  return solvedTicketRows({ ...t, agent: AGENT });
}

/** The ticket row Zendesk sends once the ticket closes, and the one audit event of that change. */
function closedRows(t: SolvedTicket, closedAt: string) {
  return {
    ticket: ticketRow({
      ticket_id: t.id,
      requester_id: t.requester,
      assignee_id: AGENT,
      created_at: t.createdAt,
      updated_at: closedAt,
      status: 'closed',
    }),
    event: eventRow({
      ticket_id: t.id,
      created_at: closedAt,
      field_name: 'status',
      value: 'closed',
      previous_value: 'solved',
      event_type: 'Change',
    }),
  };
}

const january = [
  {
    id: 1,
    requester: 101,
    createdAt: '2026-01-12T09:00:00Z',
    repliedAt: '2026-01-12T11:00:00Z',
    solvedAt: '2026-01-13T09:00:00Z',
  },
  {
    id: 2,
    requester: 102,
    createdAt: '2026-01-14T15:00:00Z',
    repliedAt: '2026-01-14T15:30:00Z',
    solvedAt: '2026-01-16T10:00:00Z',
  },
] as const satisfies readonly SolvedTicket[];

const december: SolvedTicket = {
  id: 3,
  requester: 103,
  createdAt: '2025-12-10T09:00:00Z',
  repliedAt: '2025-12-10T13:00:00Z',
  solvedAt: '2025-12-11T09:00:00Z',
};

beforeAll(async () => {
  world = await createKpiWorld();
  // Prepare: run 1 — two January tickets and one December ticket, all solved
  const solved = [...january, december].map(solvedRows);
  await world.land('groups', groupRows(), 'extract-1');
  await world.land(
    'users',
    [
      userRow({ user_id: 101 }),
      userRow({ user_id: 102 }),
      userRow({ user_id: 103 }),
      userRow({ user_id: AGENT, role: 'agent' }),
    ],
    'extract-1',
  );
  await world.land(
    'tickets',
    solved.map((s) => s.ticket),
    'extract-1',
  );
  await world.land(
    'ticket_events',
    solved.flatMap((s) => s.events),
    'extract-1',
  );
  await world.land(
    'comments',
    solved.flatMap((s) => s.comments),
    'extract-1',
  );
  await world.transform(RUN_1_AT);
  // Act: run 2 — both January tickets close, nothing else arrives
  const closes = [
    closedRows(january[0], '2026-02-10T09:00:00Z'),
    closedRows(january[1], '2026-02-12T10:00:00Z'),
  ];
  await world.land(
    'tickets',
    closes.map((c) => c.ticket),
    'extract-2',
  );
  await world.land(
    'ticket_events',
    closes.map((c) => c.event),
    'extract-2',
  );
  closeOnly = await runAndRebuild(RUN_2_AT);
  // Act: run 3 — the December ticket closes and an agent reply made before the known one arrives late
  const close = closedRows(december, '2026-03-01T11:00:00Z');
  await world.land('tickets', [close.ticket], 'extract-3');
  await world.land('ticket_events', [close.event], 'extract-3');
  await world.land(
    'comments',
    [commentRow({ ticket_id: december.id, author_id: AGENT, created_at: '2025-12-10T09:20:00Z' })],
    'extract-3',
  );
  closeWithReply = await runAndRebuild(RUN_3_AT);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function runAndRebuild(now: string): Promise<RunOutcome> {
  const result = await world.transform(now);
  const incremental = new Map<string, string[]>();
  for (const table of MARTS) incremental.set(table, await snapshot(table));
  await world.transform(now, { full: true });
  const rebuilt = new Map<string, string[]>();
  for (const table of MARTS) rebuilt.set(table, await snapshot(table));
  return { result, incremental, rebuilt };
}

function recomputedMonths(outcome: RunOutcome, model: string): readonly string[] {
  const run = outcome.result.models.find((m) => m.model === model);
  if (!run?.partitions) throw new Error(`the run reported no partitions for ${model}`);
  return run.partitions;
}

describe('a run whose only news for January tickets is solved → closed', () => {
  it('records them as closed', async () => {
    // Assess
    const rows = await world.query('select ticket_id, status from fct_tickets where ticket_id in (1, 2)');
    expect(rows.map((r) => r.status)).toEqual(['closed', 'closed']);
  });

  it('recomputes no month of January', () => {
    // Assess
    for (const model of [
      'kpi_values',
      'kpi_scorecard',
      'agent_performance',
      'contact_reasons',
      'backlog_daily',
    ]) {
      expect(recomputedMonths(closeOnly, model), model).not.toContain('2026-01');
    }
  });

  it.each(MARTS)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    expect(closeOnly.incremental.get(table)).toEqual(closeOnly.rebuilt.get(table));
  });
});

describe('a run in which a closed December ticket also gets a reply', () => {
  it('records it as closed', async () => {
    // Assess
    const [row] = await world.query('select status from fct_tickets where ticket_id = 3');
    expect(row?.status).toBe('closed');
  });

  it('recomputes December', () => {
    // Assess
    expect(recomputedMonths(closeWithReply, 'kpi_values')).toContain('2025-12');
    expect(recomputedMonths(closeWithReply, 'agent_performance')).toContain('2025-12');
  });

  it('moves the first reply of December to the late reply', async () => {
    // Assess
    const [row] = await world.query(
      "select value from kpi_values where kpi = 'first_reply_time_p50_s' and period_grain = 'month' and period_start = date '2025-12-01' and breakdown = 'overall'",
    );
    expect(Number(row?.value)).toBe(20 * 60);
  });

  it.each(MARTS)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    expect(closeWithReply.incremental.get(table)).toEqual(closeWithReply.rebuilt.get(table));
  });
});
