import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { AuditLog } from '#src/governance/audit/audit-log.ts';
import { LocalAuditSink } from '#src/governance/audit/local/local-audit-sink.ts';
import { runRetention } from '#src/governance/retention/run-retention.ts';
import {
  buildGovernanceWorld,
  type GovernanceWorld,
  HMAC_KEY,
} from '#tests/governance/fixtures/governance-world.ts';

const PRESENT = new Date('2026-07-01T00:00:00Z');
const recentRaw = 'raw/zendesk/tickets/dt=2026-05-11/run-2026-05-0.jsonl.gz';
const oldRaw = 'raw/zendesk/tickets/dt=2024-03-11/run-2024-03-0.jsonl.gz';
const landingFile = 'landing/zendesk/ticket_texts/dt=2026-04-11/run-2026-04-0.jsonl.gz';

let world: GovernanceWorld;
let audit: AuditLog;
let auditDir: string;

/** The first half of the gzip bytes: what an interrupted upload leaves. */
async function truncate(key: string) {
  const body = await world.store.get(key);
  await world.store.put(key, body!.slice(0, Math.floor(body!.length / 2)));
}

async function keys(prefix: string) {
  const found: string[] = [];
  for await (const o of world.store.list(prefix)) found.push(o.key);
  return found;
}

beforeEach(async () => {
  world = await buildGovernanceWorld();
  auditDir = await mkdtemp(join(tmpdir(), 'gov-damaged-audit-'));
  audit = new AuditLog(new LocalAuditSink({ dir: auditDir }));
});
afterEach(async () => {
  await world.engine.close();
  await rm(world.root, { recursive: true, force: true });
  await rm(auditDir, { recursive: true, force: true });
});

const retain = () =>
  runRetention({
    config: parseConfig({}),
    store: world.store,
    engine: world.engine,
    audit,
    now: PRESENT,
    hmacKey: HMAC_KEY,
  });

describe('retention meeting a damaged file', () => {
  it('names it, sets it aside, finishes every other layer and audits it', async () => {
    // Prepare: a truncated raw page inside the window, one past it, and a landing file of broken JSON
    await truncate(recentRaw);
    await truncate(oldRaw);
    await world.store.put(landingFile, gzipSync('{"ticket_id": 1290, "subject": "He\n'));

    // Act
    const report = await retain();

    // Assess: each damaged file named with its reason and what was done
    expect(report.damaged.map((d) => [d.key, d.action]).sort()).toEqual(
      [
        [landingFile, 'quarantined'],
        [oldRaw, 'deleted'],
        [recentRaw, 'quarantined'],
      ].sort(),
    );
    expect(report.damaged.find((d) => d.key === recentRaw)?.reason).toMatch(/unexpected end of file/);
    expect(report.damaged.find((d) => d.key === landingFile)?.reason).toMatch(/^line 1:/);
    // set aside byte for byte, out of the paths readers list
    expect(await keys('quarantine/damaged/')).toEqual(
      [`quarantine/damaged/${landingFile}`, `quarantine/damaged/${recentRaw}`].sort(),
    );
    expect(await keys(recentRaw)).toEqual([]);
    // the rest went on: facts past 24 months deleted, other raw pages past 12 months too
    expect(await world.engine.execute('select count(*) as n from fct_tickets').then((r) => r.rows)).toEqual([
      { n: 72 },
    ]);
    expect((await keys('raw/')).filter((k) => k < 'raw/zendesk/tickets/dt=2025-07')).toEqual([]);
    // audited: one entry per damaged file, and the summary counts them
    const entries = await audit.tail(200);
    expect(
      entries
        .filter((e) => e.action === 'retention.damaged_file')
        .map((e) => e.target)
        .sort(),
    ).toEqual([landingFile, oldRaw, recentRaw].sort());
    expect(entries.find((e) => e.action === 'retention.delete' && e.target === 'all')?.counts).toMatchObject({
      damaged_files: 3,
    });
  });

  it('lets every later retention run to the end', async () => {
    // Prepare
    await truncate(recentRaw);
    await retain();

    // Act
    const again = await retain();

    // Assess: the quarantined copy is still named, nothing fails, the chain is intact
    expect(again.damaged.map((d) => d.key)).toEqual([`quarantine/damaged/${recentRaw}`]);
    expect(await audit.verify()).toMatchObject({ ok: true });
  });
});
