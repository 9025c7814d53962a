import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '#src/engines/query-engine.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import { groupRows, statusEvents, ticketRow, userRow } from '#tests/kpi/helpers/landing-rows.ts';

/*
 * A deleted ticket's clocks stop at its deletion (KPIS.md, change of 2026-12-07): time in a status
 * while unsolved and SLA pending vs breached use the deletion instead of now. E-mail tickets, the
 * standard policy (first reply 4 h, resolution 48 h, 24/7), all created Monday 2 March 2026 10:00:
 *   1  new → open 10:30; deleted at 12:00 without an audited status change (the row says so)
 *   2  new → open 10:30 → deleted 16:00 (audited); the deleted row was touched again the next day
 *   3  new → open 10:30 → deleted 14:00:00 exactly, the first-reply target's own instant
 *   4  new → deleted 11:00 → open 12:00: restored, so its clock runs to now again
 *   5  new → open 10:30, never deleted (the control: its clock runs to now)
 * The first run is at Tuesday 00:00; the second, six days later, re-reads every ticket's row.
 */
const H = 3600;
const CREATED = '2026-03-02T10:00:00Z';
const FIRST_RUN = '2026-03-03T00:00:00Z';
const SECOND_RUN = '2026-03-09T00:00:00Z';
const at = (iso: string): number => Date.parse(iso) / 1000;

function ticketRows(runId: string): Record<string, unknown>[] {
  const deleted = { status: 'deleted', is_deleted: true };
  return [
    ticketRow({ ticket_id: 1, created_at: CREATED, updated_at: '2026-03-02T12:00:00Z', ...deleted }),
    ticketRow({ ticket_id: 2, created_at: CREATED, updated_at: '2026-03-03T08:00:00Z', ...deleted }),
    ticketRow({ ticket_id: 3, created_at: CREATED, updated_at: '2026-03-02T14:00:00Z', ...deleted }),
    ticketRow({ ticket_id: 4, created_at: CREATED, updated_at: '2026-03-02T12:00:00Z', status: 'open' }),
    ticketRow({ ticket_id: 5, created_at: CREATED, updated_at: '2026-03-02T10:30:00Z', status: 'open' }),
  ].map((r) => ({ ...r, _extracted_at: runId === 'run-1' ? FIRST_RUN : SECOND_RUN }));
}

let world: KpiWorld;
const first = new Map<number, Row>();
const second = new Map<number, Row>();

async function facts(into: Map<number, Row>): Promise<void> {
  const rows = await world.query(
    `select ticket_id, to_unixtime(deleted_at) as deleted_s, requester_wait_time_s, agent_work_time_s,
       pending_time_s, sla_first_reply_status, sla_resolution_status, is_deleted
     from fct_tickets`,
  );
  for (const r of rows) into.set(Number(r.ticket_id), r);
}

beforeAll(async () => {
  // Prepare
  world = await createKpiWorld();
  await world.land('groups', groupRows());
  await world.land('users', [userRow({ user_id: 101 })]);
  await world.land('tickets', ticketRows('run-1'));
  await world.land('ticket_events', [
    ...statusEvents(1, [
      [CREATED, 'new'],
      ['2026-03-02T10:30:00Z', 'open'],
    ]),
    ...statusEvents(2, [
      [CREATED, 'new'],
      ['2026-03-02T10:30:00Z', 'open'],
      ['2026-03-02T16:00:00Z', 'deleted'],
    ]),
    ...statusEvents(3, [
      [CREATED, 'new'],
      ['2026-03-02T10:30:00Z', 'open'],
      ['2026-03-02T14:00:00Z', 'deleted'],
    ]),
    ...statusEvents(4, [
      [CREATED, 'new'],
      ['2026-03-02T11:00:00Z', 'deleted'],
      ['2026-03-02T12:00:00Z', 'open'],
    ]),
    ...statusEvents(5, [
      [CREATED, 'new'],
      ['2026-03-02T10:30:00Z', 'open'],
    ]),
  ]);
  // Act: a run, then the same rows exported again and a run six days later
  await world.transform(FIRST_RUN);
  await facts(first);
  await world.land('tickets', ticketRows('run-2'), 'run-2');
  await world.transform(SECOND_RUN);
  await facts(second);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('a deleted ticket', () => {
  it('stops its time in status at the deletion the row reports when no status change was audited', () => {
    for (const run of [first, second]) {
      expect(run.get(1)).toMatchObject({
        is_deleted: true,
        deleted_s: at('2026-03-02T12:00:00Z'),
        requester_wait_time_s: 2 * H,
        agent_work_time_s: 2 * H,
      });
    }
  });

  it('stops at its audited change to deleted, not at a later touch of its row', () => {
    for (const run of [first, second]) {
      expect(run.get(2)).toMatchObject({
        deleted_s: at('2026-03-02T16:00:00Z'),
        requester_wait_time_s: 6 * H,
        agent_work_time_s: 6 * H,
        pending_time_s: 0,
      });
    }
  });

  it('keeps an SLA target pending when it was deleted before the target passed', () => {
    // 2 h without a reply, then deleted: the 4 h first-reply target never passed on its clock.
    expect(second.get(1)).toMatchObject({
      sla_first_reply_status: 'pending',
      sla_resolution_status: 'pending',
    });
  });

  it('breaches a target that passed before the deletion, and only that one', () => {
    // 6 h without a reply (> 4 h); the 48 h resolution target had not passed at the deletion.
    expect(second.get(2)).toMatchObject({
      sla_first_reply_status: 'breached',
      sla_resolution_status: 'pending',
    });
  });

  it('keeps pending a target that falls exactly on the deletion', () => {
    // Breached means now − created > target; deleted at created + 4 h exactly, that is not more.
    expect(second.get(3)).toMatchObject({
      deleted_s: at('2026-03-02T14:00:00Z'),
      agent_work_time_s: 4 * H,
      sla_first_reply_status: 'pending',
    });
  });
});

describe('a ticket that is not deleted', () => {
  it('runs its clock to now, also after a deletion that was undone', () => {
    // Restored: new 10:00–11:00, then open from 12:00 to now.
    expect(second.get(4)).toMatchObject({
      deleted_s: null,
      agent_work_time_s: H + (Date.parse(SECOND_RUN) - Date.parse('2026-03-02T12:00:00Z')) / 1000,
      sla_first_reply_status: 'breached',
    });
    // The control grows with the run's now.
    const grown = (Date.parse(SECOND_RUN) - Date.parse(CREATED)) / 1000;
    expect(first.get(5)!.agent_work_time_s).toBe((Date.parse(FIRST_RUN) - Date.parse(CREATED)) / 1000);
    expect(second.get(5)).toMatchObject({ deleted_s: null, agent_work_time_s: grown });
  });
});
