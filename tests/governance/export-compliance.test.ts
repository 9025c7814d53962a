import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { AccessDeniedError } from '#src/governance/access/check-statement.ts';
import { AuditLog } from '#src/governance/audit/audit-log.ts';
import { LocalAuditSink } from '#src/governance/audit/local/local-audit-sink.ts';
import { exportCompliance } from '#src/governance/export/export-compliance.ts';
import { runRetention } from '#src/governance/retention/run-retention.ts';
import {
  buildGovernanceWorld,
  customers,
  type GovernanceWorld,
  HMAC_KEY,
} from '#tests/governance/fixtures/governance-world.ts';

let world: GovernanceWorld;
let audit: AuditLog;
let scratch: string;
const [alice, bob, carol] = customers as [
  (typeof customers)[0],
  (typeof customers)[0],
  (typeof customers)[0],
];

beforeAll(async () => {
  world = await buildGovernanceWorld();
  scratch = await mkdtemp(join(tmpdir(), 'gov-export-'));
  audit = new AuditLog(new LocalAuditSink({ dir: join(scratch, 'audit') }));
  // Retention first, so "retained" is not everything: Bob's tickets before 2024-07 are gone.
  await runRetention({
    config: parseConfig({}),
    store: world.store,
    engine: world.engine,
    now: new Date('2026-07-01T00:00:00Z'),
  });
});
afterAll(async () => {
  await world.engine.close();
  await rm(world.root, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

describe('the compliance export', () => {
  it("contains every retained ticket of the customer and nothing of anyone else's", async () => {
    // Prepare
    const retained = (
      await world.engine.execute(
        `select ticket_id from fct_tickets where customer_key = '${bob.key}' order by ticket_id`,
      )
    ).rows.map((r) => Number(r.ticket_id));
    const outDir = join(scratch, 'bob');

    // Act
    const result = await exportCompliance({
      engine: world.engine,
      audit,
      role: 'compliance',
      outDir,
      customerEmail: '  Bob@Example.com ',
      hmacKey: HMAC_KEY,
    });

    // Assess: the tickets, in both formats
    expect(retained).toHaveLength(24);
    const csv = parse(await readFile(join(outDir, 'fct_tickets.csv')), { columns: true }) as Record<
      string,
      string
    >[];
    expect(csv.map((r) => Number(r.ticket_id)).sort()).toEqual(retained);
    const parquet = await parquetReadObjects({
      file: await asyncBufferFromFile(join(outDir, 'fct_tickets.parquet')),
    });
    expect(parquet.map((r) => Number(r.ticket_id)).sort()).toEqual(retained);
    // events, ratings, message text, personal data and CRM history are all there
    expect(result.tables.map((t) => t.table)).toEqual(
      expect.arrayContaining([
        'dim_customers',
        'fct_satisfaction_ratings',
        'fct_ticket_events',
        'stg_hubspot__contact_pii',
        'stg_zendesk__comment_texts',
        'stg_zendesk__user_pii',
      ]),
    );
    // nothing of anyone else in any file
    const otherTexts = [alice, carol].flatMap((c) => [c.key, c.email, c.name, c.name.split(' ')[0]!]);
    const otherIds = new Set([alice, carol].flatMap((c) => [String(c.userId), c.contactId]));
    const otherTickets = new Set(
      (
        await world.engine.execute(`select ticket_id from fct_tickets where customer_key <> '${bob.key}'`)
      ).rows.map((r) => String(r.ticket_id)),
    );
    for (const name of await readdir(outDir)) {
      if (!name.endsWith('.csv')) continue;
      const text = await readFile(join(outDir, name), 'utf8');
      for (const mark of otherTexts) expect(text.includes(mark), `${name} mentions ${mark}`).toBe(false);
      const table = parse(text, { columns: true }) as Record<string, string>[];
      for (const row of table)
        for (const [column, value] of Object.entries(row)) {
          expect(
            otherIds.has(value) && /(user|requester|contact)_id$/.test(column),
            `${name}.${column}=${value}`,
          ).toBe(false);
          if (column === 'ticket_id') expect(otherTickets.has(value), `${name} ticket ${value}`).toBe(false);
        }
    }
    // manifest with checksums, and the audit entry says what was exported but not who by e-mail
    const manifest = JSON.parse(await readFile(result.manifest, 'utf8'));
    expect(manifest.tables.find((t: { table: string }) => t.table === 'fct_tickets').rows).toBe(24);
    const entry = (await audit.tail(1))[0]!;
    expect(entry).toMatchObject({
      action: 'export',
      role: 'compliance',
      outcome: 'success',
      details: { customer_key: bob.key },
    });
    expect(entry.counts.rows).toBe(result.totals.rows);
    expect(JSON.stringify(entry)).not.toMatch(/bob@example\.com/i);
  });

  it('exports a period', async () => {
    const outDir = join(scratch, 'period');

    await exportCompliance({
      engine: world.engine,
      audit,
      role: 'compliance',
      outDir,
      from: '2026-03-01',
      to: '2026-04-01',
    });

    const csv = parse(await readFile(join(outDir, 'fct_tickets.csv')), { columns: true }) as Record<
      string,
      string
    >[];
    expect(csv.map((r) => r.created_month)).toEqual(['2026-03', '2026-03', '2026-03']);
  });

  it('audits that it starts before the first file is written, and names that entry in its outcome', async () => {
    // Prepare
    const outDir = join(scratch, 'started');
    const before = (await audit.tail(10_000)).length;

    // Act
    await exportCompliance({
      engine: world.engine,
      audit,
      role: 'compliance',
      outDir,
      from: '2026-03-01',
      to: '2026-04-01',
    });

    // Assess
    const [started, done] = (await audit.tail(10_000)).slice(before);
    expect(started).toMatchObject({ action: 'export', outcome: 'started', target: outDir });
    expect(done).toMatchObject({
      action: 'export',
      outcome: 'success',
      details: { started_seq: started!.seq },
    });
  });

  it('writes no personal data when its first audit entry cannot be written', async () => {
    // Prepare: an audit folder that cannot take an entry (a file stands where its segments go)
    const brokenAudit = join(scratch, 'broken-audit');
    await mkdir(brokenAudit, { recursive: true });
    await writeFile(join(brokenAudit, 'segments'), 'not a folder');
    const outDir = join(scratch, 'unaudited');

    // Act
    const error = await exportCompliance({
      engine: world.engine,
      audit: new AuditLog(new LocalAuditSink({ dir: brokenAudit })),
      role: 'compliance',
      outDir,
      customerEmail: bob.email,
      hmacKey: HMAC_KEY,
    }).catch((e: unknown) => e);

    // Assess: refused before the export folder even exists
    expect(error).toBeInstanceOf(Error);
    expect(existsSync(outDir)).toBe(false);
  });

  it.each(['analyst', 'engineer'] as const)('refuses the %s role and audits the refusal', async (role) => {
    const outDir = join(scratch, role);

    const error = await exportCompliance({
      engine: world.engine,
      audit,
      role,
      outDir,
      customerEmail: bob.email,
      hmacKey: HMAC_KEY,
    }).catch((e) => e);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(await readdir(outDir).catch(() => [])).toEqual([]);
    expect((await audit.tail(1))[0]).toMatchObject({ action: 'export.denied', role, outcome: 'denied' });
  });
});
