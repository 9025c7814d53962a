import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { AuditLog } from '#src/governance/audit/audit-log.ts';
import { LocalAuditSink } from '#src/governance/audit/local/local-audit-sink.ts';
import { monthsBefore } from '#src/governance/retention/retention-window.ts';
import { runRetention } from '#src/governance/retention/run-retention.ts';
import {
  buildGovernanceWorld,
  customers,
  type GovernanceWorld,
  HMAC_KEY,
  ticketId,
} from '#tests/governance/fixtures/governance-world.ts';

const PRESENT = new Date('2026-07-01T00:00:00Z');
const bob = customers[1]!;
const heldTicket = ticketId(0, 0); // Alice's ticket of January 2024

let world: GovernanceWorld;
let audit: AuditLog;
let auditDir: string;
let config: WarehouseConfig;

beforeEach(async () => {
  world = await buildGovernanceWorld();
  auditDir = await mkdtemp(join(tmpdir(), 'gov-ret-audit-'));
  audit = new AuditLog(new LocalAuditSink({ dir: auditDir }));
  config = parseConfig({
    governance: {
      legalHolds: [
        { customerKey: bob.key, reason: 'regulator inquiry 2026-17' },
        { ticketId: heldTicket, reason: 'dispute over a withdrawal' },
      ],
    },
  });
});
afterEach(async () => {
  await world.engine.close();
  await rm(world.root, { recursive: true, force: true });
  await rm(auditDir, { recursive: true, force: true });
});

const retain = (now: Date, dryRun = false) =>
  runRetention({ config, store: world.store, engine: world.engine, audit, now, dryRun, hmacKey: HMAC_KEY });

async function rows(sql: string) {
  return (await world.engine.execute(sql)).rows;
}

async function keys(prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const o of world.store.list(prefix)) found.push(o.key);
  return found;
}

async function records(key: string): Promise<unknown[]> {
  const body = await world.store.get(key);
  return gunzipSync(body!)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const heldTicketIds = new Set([heldTicket, ...Array.from({ length: 30 }, (_, m) => ticketId(m, 1))]);

describe('retention', () => {
  it('deletes facts past 24 months and message text and raw pages past 12, keeping what is held', async () => {
    // Act
    const report = await retain(PRESENT);

    // Assess: facts before 2024-07-01 remain only for held tickets
    const oldTickets = await rows(
      "select ticket_id from fct_tickets where created_at < timestamp '2024-07-01 00:00:00'",
    );
    expect(oldTickets.map((r) => Number(r.ticket_id)).sort()).toEqual(
      [heldTicket, ...[0, 1, 2, 3, 4, 5].map((m) => ticketId(m, 1))].sort(),
    );
    expect(
      await rows("select count(*) as n from fct_tickets where created_at >= timestamp '2024-07-01 00:00:00'"),
    ).toEqual([{ n: 72 }]);
    // message text: 12 months
    const oldTexts = await rows(
      "select count(*) as n from stg_zendesk__comment_texts where created_at < timestamp '2025-07-01 00:00:00' and ticket_id not in (select ticket_id from fct_tickets where customer_key = '" +
        bob.key +
        `') and ticket_id <> ${heldTicket}`,
    );
    expect(oldTexts).toEqual([{ n: 0 }]);
    // raw pages: 12 months; January 2024 is rewritten to keep only held records
    const raw = await keys('raw/');
    expect(raw.filter((k) => k < 'raw/zendesk/tickets/dt=2025-07')).toHaveLength(18);
    const page = (await records('raw/zendesk/tickets/dt=2024-01-11/run-2024-01-0.jsonl.gz'))[0] as {
      body: { tickets: { id: number }[]; users: { email: string }[] };
    };
    expect(page.body.tickets.map((t) => t.id).sort()).toEqual([ticketId(0, 0), ticketId(0, 1)]);
    expect(page.body.users.map((u) => u.email)).toEqual(['bob@example.com']);
    const rawPageFeb = (await records('raw/zendesk/tickets/dt=2024-02-11/run-2024-02-0.jsonl.gz'))[0] as {
      body: { tickets: { id: number }[] };
    };
    expect(rawPageFeb.body.tickets.map((t) => t.id)).toEqual([ticketId(1, 1)]);
    expect(report.totals.rewritten).toBeGreaterThan(0);
  });

  it('with the clock advanced 25 months, leaves nothing past its window in any layer but what is held, and the KPI marts still answer', async () => {
    // Prepare
    const later = monthsBefore(PRESENT, -25);
    const kpisBefore = await rows('select period_start, value from kpi_values order by period_start');

    // Act
    const report = await retain(later);

    // Assess — curated: only held tickets, their events, ratings and texts remain
    const ids = (sql: string) => rows(sql).then((rs) => rs.map((r) => Number(r.ticket_id)));
    for (const table of [
      'fct_tickets',
      'fct_ticket_events',
      'fct_satisfaction_ratings',
      'stg_zendesk__comment_texts',
    ]) {
      const remaining = await ids(`select distinct ticket_id from ${table}`);
      expect(new Set(remaining), table).toEqual(heldTicketIds);
    }
    expect(await rows('select count(*) as n from fct_ticket_events')).toEqual([{ n: 62 }]);
    // personal data: only of the customers something held still refers to (Bob; Alice asked the held ticket)
    const emails = async (table: string) =>
      (await rows(`select email from ${table} order by email`)).map((r) => r.email);
    expect(await emails('stg_zendesk__user_pii')).toEqual(['alice@example.com', 'bob@example.com']);
    expect(await emails('stg_hubspot__contact_pii')).toEqual(['alice@example.com', 'bob@example.com']);
    // closed history versions past the window: only the held customer's; current versions stay
    expect(await rows('select customer_key from dim_customers where valid_to is not null')).toEqual([
      { customer_key: bob.key },
    ]);
    expect(await rows('select count(*) as n from dim_customers where valid_to is null')).toEqual([{ n: 3 }]);

    // landing: every remaining row is held, or names a user a held ticket refers to (Alice asked it)
    const landing = await keys('landing/');
    expect(landing.length).toBeGreaterThan(0);
    for (const key of landing) {
      for (const row of (await records(key)) as Record<string, unknown>[]) {
        const isHeld =
          heldTicketIds.has(Number(row.ticket_id)) ||
          row.customer_key === bob.key ||
          row.user_id === bob.userId ||
          row.user_id === customers[0]!.userId;
        expect(isHeld, `${key}: ${JSON.stringify(row)}`).toBe(true);
      }
    }
    // raw: every remaining page holds only held tickets and the held customer's user record
    for (const key of await keys('raw/')) {
      for (const exchange of (await records(key)) as {
        body: { tickets: { id: number }[]; users: { id: number }[] };
      }[]) {
        for (const t of exchange.body.tickets) expect(heldTicketIds.has(t.id)).toBe(true);
        for (const u of exchange.body.users) expect(u.id).toBe(bob.userId);
      }
    }
    // published: fact copies gone, KPI marts kept
    expect(await keys('published/fct_tickets/')).toEqual([]);
    expect(await keys('published/kpi_values/')).toHaveLength(30);

    // the KPI marts still answer for the deleted months
    expect(await rows('select period_start, value from kpi_values order by period_start')).toEqual(
      kpisBefore,
    );
    expect(await rows('select count(*) as n from kpi_monthly_wide where ticket_volume = 3')).toEqual([
      { n: 30 },
    ]);
    expect(report.keptTables).toEqual(
      expect.arrayContaining(['kpi_values', 'cfg_kpi_targets', 'warehouse_runs']),
    );
  });

  it('plans on a dry run exactly what it then deletes, and audits both', async () => {
    const later = monthsBefore(PRESENT, -25);

    const plan = await retain(later, true);
    const ticketsAfterPlan = await rows('select count(*) as n from fct_tickets');
    const applied = await retain(later);

    expect(ticketsAfterPlan).toEqual([{ n: 90 }]);
    expect(plan.items.map((i) => [i.target, i.deleted, i.keptForHold])).toEqual(
      applied.items.map((i) => [i.target, i.deleted, i.keptForHold]),
    );
    expect(plan.totals.deleted).toBeGreaterThan(0);
    const entries = await audit.tail(1000);
    const summaries = entries.filter((e) => e.action === 'retention.delete' && e.target === 'all');
    expect(summaries.map((e) => e.outcome)).toEqual(['dry_run', 'success']);
    expect(summaries[1]!.counts.rows_deleted).toBe(applied.totals.rowsDeleted);
    expect(
      entries.find((e) => e.target === 'curated:fct_tickets' && e.outcome === 'success')?.counts,
    ).toMatchObject({
      rows_deleted: 90 - 31,
      kept_for_hold: 31,
    });
    expect(await audit.verify()).toMatchObject({ ok: true });
  });
});
