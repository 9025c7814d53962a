import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type CrmWorld, propertiesWithHistory } from './crm-world.ts';
import type { GroundTruth } from './ground-truth.ts';
import type { SimulatedWorld } from './simulated-world.ts';
import { generateTicketLife } from './ticket-life.ts';
import { groups } from './world-catalog.ts';
import {
  renderCustomerUser,
  renderGroup,
  renderRating,
  renderStaffUser,
  renderTicket,
  renderTicketEvent,
} from './zendesk-records.ts';

export interface ExportProgress {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  readonly records: number;
  readonly elapsedMs: number;
}

export interface ExportSummary {
  readonly dir: string;
  readonly counts: Record<string, number>;
  readonly elapsedMs: number;
  readonly asOf: string;
}

class JsonLines {
  count = 0;
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  async write(record: unknown): Promise<void> {
    this.count++;
    if (!this.stream.write(`${JSON.stringify(record)}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/**
 * Writes the world's raw records as of its clock to `dir`, one JSON-lines file per entity, in the
 * APIs' shapes, plus the ground truth (ticket facts, customer messages with their sentiment).
 */
export async function exportWorld(
  world: SimulatedWorld,
  crm: CrmWorld,
  truth: GroundTruth,
  dir: string,
  onProgress: (p: ExportProgress) => void = () => {},
): Promise<ExportSummary> {
  const started = Date.now();
  await mkdir(dir, { recursive: true });
  const base = 'https://simulator.invalid';
  const files = Object.fromEntries(
    [
      'tickets',
      'ticket_events',
      'users',
      'groups',
      'satisfaction_ratings',
      'contacts',
      'feedback_submissions',
      'ticket_facts',
      'customer_messages',
    ].map((name) => [name, new JsonLines(join(dir, `${name}.jsonl`))]),
  ) as Record<string, JsonLines>;
  const f = (name: string): JsonLines => files[name] as JsonLines;
  const now = world.clock.nowSeconds();
  const nowMs = world.clock.nowMs();
  const records = (): number => Object.values(files).reduce((a, b) => a + b.count, 0);

  for (const s of world.people.staff) await f('users').write(renderStaffUser(base, s));
  for (let k = 0; k < world.people.customerCount && world.people.customerCreatedAt(k) <= now; k++) {
    await f('users').write(renderCustomerUser(base, world.people.customer(k)));
  }
  for (const g of groups) await f('groups').write(renderGroup(base, g));
  onProgress({ stage: 'users', done: 1, total: 1, records: records(), elapsedMs: Date.now() - started });

  const lastDay = world.dayOf(now);
  for (let d = 0; d <= lastDay; d++) {
    const plan = world.plan(d);
    for (let i = 0; i < plan.tickets.length; i++) {
      const life = generateTicketLife(world, d, i);
      if (life.createdAt > now) continue;
      const state = world.ticketState(life, now);
      await f('tickets').write(renderTicket(base, life, state, life.rating));
      for (const audit of life.audits)
        if (audit.at <= now) await f('ticket_events').write(renderTicketEvent(life, audit, true));
      const rating = renderRating(base, life, now);
      if (rating) await f('satisfaction_ratings').write(rating);
      await f('ticket_facts').write(truth.facts(life));
    }
    onProgress({
      stage: 'tickets',
      done: d + 1,
      total: lastDay + 1,
      records: records(),
      elapsedMs: Date.now() - started,
    });
  }
  for await (const m of truth.customerMessages()) await f('customer_messages').write(m);

  for (let n = 0; n < crm.contactCount; n++) {
    const c = crm.contact(n, nowMs);
    if (!c) continue;
    await f('contacts').write({
      id: String(c.id),
      properties: c.properties,
      propertiesWithHistory: propertiesWithHistory(c, ['vip_tier', 'kyc_level', 'last_trade_at']),
      createdAt: new Date(c.createdMs).toISOString(),
      updatedAt: new Date(c.updatedMs).toISOString(),
      archived: false,
    });
  }
  for (const s of crm.feedbackAfter(0, nowMs, Number.MAX_SAFE_INTEGER)) {
    const iso = new Date(s.submittedMs).toISOString();
    await f('feedback_submissions').write({
      id: String(s.id),
      properties: {
        hs_object_id: String(s.id),
        hs_survey_type: 'NPS',
        hs_response_value: String(s.score),
        hs_submission_timestamp: iso,
        hs_contact_id: String(s.contactId),
      },
      createdAt: iso,
      updatedAt: iso,
      archived: false,
    });
  }
  onProgress({ stage: 'crm', done: 1, total: 1, records: records(), elapsedMs: Date.now() - started });
  for (const file of Object.values(files)) await file.close();
  return {
    dir,
    counts: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.count])),
    elapsedMs: Date.now() - started,
    asOf: world.clock.now().toISOString(),
  };
}
