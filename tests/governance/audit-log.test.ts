import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAuditAnchor } from '#src/governance/audit/audit-anchor.ts';
import { entryHash } from '#src/governance/audit/audit-entry.ts';
import { AuditEntryError, AuditLog } from '#src/governance/audit/audit-log.ts';
import { LocalAuditSink } from '#src/governance/audit/local/local-audit-sink.ts';

const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logWith(count: number, options: { segmentSize?: number } = {}): Promise<AuditLog> {
  const log = new AuditLog(new LocalAuditSink({ dir, ...options }), { actor: 'tester' });
  for (let i = 1; i <= count; i++) {
    await log.append({
      role: 'analyst',
      action: 'query',
      target: `statement-${i}`,
      outcome: 'success',
      counts: { rows: i },
      details: { statement_sha256: 'ab'.repeat(32) },
    });
  }
  return log;
}

async function segmentPath(): Promise<string> {
  const names = (await readdir(join(dir, 'segments'))).sort();
  return join(dir, 'segments', names[0]!);
}

async function editLines(edit: (lines: string[]) => string[]): Promise<void> {
  const path = await segmentPath();
  const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  await writeFile(path, `${edit(lines).join('\n')}\n`);
}

describe('the audit log', () => {
  it('chains every entry to the one before it and verifies intact', async () => {
    // Prepare / Act
    const log = await logWith(5);

    // Assess
    const entries = await log.tail(10);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]!.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prev_hash).toBe(entries[i - 1]!.hash);
    expect(entries.every((e) => e.hash === entryHash(e))).toBe(true);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 5, unanchored: 0 });
  });

  it('keeps one chain across segment files', async () => {
    const log = await logWith(7, { segmentSize: 3 });

    expect((await readdir(join(dir, 'segments'))).sort()).toEqual([
      '000000000001.jsonl',
      '000000000004.jsonl',
      '000000000007.jsonl',
    ]);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 7 });
  });

  it('refuses details that look like secrets or personal data', async () => {
    const log = new AuditLog(new LocalAuditSink({ dir }));

    await expect(
      log.append({
        role: 'compliance',
        action: 'export',
        target: 'x',
        outcome: 'success',
        details: { customer: { email: 'a@b.c' } },
      }),
    ).rejects.toThrow(AuditEntryError);
    expect(await log.tail(1)).toEqual([]);
  });

  describe('detects tampering and names where', () => {
    it('an edited field', async () => {
      const log = await logWith(5);
      await editLines((lines) => lines.map((l, i) => (i === 2 ? l.replace('"rows":3', '"rows":300') : l)));

      const result = await log.verify();

      expect(result).toMatchObject({ ok: false, entries: 2, broken: { seq: 3 } });
      expect(!result.ok && result.broken.reason).toMatch(/edited/);
      expect(!result.ok && result.broken.location).toMatch(/000000000001\.jsonl:3$/);
    });

    it('an edited entry whose own hash was recomputed', async () => {
      const log = await logWith(5);
      await editLines((lines) =>
        lines.map((l, i) => {
          if (i !== 1) return l;
          const entry = JSON.parse(l);
          entry.outcome = 'denied';
          entry.hash = entryHash(entry);
          return JSON.stringify(entry);
        }),
      );

      const result = await log.verify();

      expect(result).toMatchObject({ ok: false, broken: { seq: 3 } });
      expect(!result.ok && result.broken.reason).toMatch(/seq 2 was rewritten/);
    });

    it('a deleted entry', async () => {
      const log = await logWith(5);
      await editLines((lines) => lines.filter((_, i) => i !== 1));

      const result = await log.verify();

      expect(result).toMatchObject({ ok: false, entries: 1, broken: { seq: 2 } });
      expect(!result.ok && result.broken.reason).toMatch(/found seq 3 where seq 2 was expected/);
    });

    it('two swapped entries', async () => {
      const log = await logWith(5);
      await editLines((lines) => [lines[0]!, lines[1]!, lines[3]!, lines[2]!, lines[4]!]);

      const result = await log.verify();

      expect(result).toMatchObject({ ok: false, entries: 2, broken: { seq: 3 } });
      expect(!result.ok && result.broken.reason).toMatch(/found seq 4 where seq 3/);
    });

    it('a truncated tail', async () => {
      const log = await logWith(5);
      await editLines((lines) => lines.slice(0, 3));

      const result = await log.verify();

      expect(result).toMatchObject({ ok: false, entries: 3, broken: { seq: 4 } });
      expect(!result.ok && result.broken.reason).toMatch(/entries 4\.\.5 were removed/);
    });

    it('a forged entry appended without the chain', async () => {
      const log = await logWith(3);
      const forged = {
        seq: 4,
        time: new Date().toISOString(),
        actor: 'mallory',
        role: 'compliance' as const,
        action: 'export',
        target: 'everything',
        outcome: 'success' as const,
        counts: {},
        details: {},
        prev_hash: 'f'.repeat(64),
      };
      await editLines((lines) => [...lines, JSON.stringify({ ...forged, hash: entryHash(forged) })]);

      const result = await log.verify();

      expect(result).toMatchObject({ ok: false, entries: 3, broken: { seq: 4 } });
      expect(!result.ok && result.broken.reason).toMatch(/forged/);
    });

    it('a line that is not JSON', async () => {
      const log = await logWith(3);
      await editLines((lines) => [lines[0]!, '{"seq": 2, broken', lines[2]!]);

      expect(await log.verify()).toMatchObject({ ok: false, broken: { seq: 2 } });
    });
  });

  it('does not fork the chain when several processes append at once', async () => {
    // Prepare
    const script = join(import.meta.dirname, 'fixtures', 'append-entries.ts');
    const writers = ['w1', 'w2', 'w3', 'w4'];

    // Act
    await Promise.all(
      writers.map((w) =>
        run(process.execPath, ['--import', 'tsx', script, dir, w, '15'], { cwd: process.cwd() }),
      ),
    );

    // Assess
    const log = new AuditLog(new LocalAuditSink({ dir }));
    expect(await log.verify()).toMatchObject({ ok: true, entries: 60, unanchored: 0 });
    const entries = await log.tail(100);
    expect(new Set(entries.map((e) => e.target)).size).toBe(60);
    for (const w of writers) expect(entries.filter((e) => e.actor === w)).toHaveLength(15);
    // Four tsx processes start at once on two cores (seconds each when the machine is busy), then
    // take turns on the lock for 60 appends: two minutes leaves room for a saturated machine.
  }, 120_000);

  it('takes over a lock left by a writer that died', async () => {
    // Prepare: a lock held by a process id that does not exist on this host
    const log = await logWith(1);
    const { hostname } = await import('node:os');
    await writeFile(
      join(dir, 'append.lock'),
      JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), nonce: 'dead', at: Date.now() }),
    );

    // Act
    await log.append({ role: 'pipeline', action: 'pipeline.run', target: 'r', outcome: 'success' });

    // Assess
    expect(await log.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('never chains over a half-written last line: verify reports it until an operator acknowledges it', async () => {
    // Prepare: a writer died in the middle of entry 3
    const log = await logWith(2);
    const path = await segmentPath();
    const damaged = `${await readFile(path, 'utf8')}{"seq":3,"ti`;
    await writeFile(path, damaged);

    // Act
    const appended = log.append({
      role: 'pipeline',
      action: 'pipeline.run',
      target: 'r',
      outcome: 'success',
    });

    // Assess: the append is refused, the damaged bytes are untouched, verify names the line
    await expect(appended).rejects.toThrow(/half-written last line.*audit acknowledge/);
    expect(await readFile(path, 'utf8')).toBe(damaged);
    expect(await log.verify()).toMatchObject({
      ok: false,
      entries: 2,
      broken: { location: 'segments/000000000001.jsonl:3', reason: expect.stringMatching(/acknowledge/) },
    });
  });

  it('continues past a damaged tail once an operator acknowledged it, in an entry of its own', async () => {
    // Prepare
    const log = await logWith(2);
    const path = await segmentPath();
    await writeFile(path, `${await readFile(path, 'utf8')}{"seq":3,"ti`);

    // Act
    const ack = await log.acknowledge({ actor: 'oncall', role: 'compliance', reason: 'disk filled' });
    await log.append({ role: 'pipeline', action: 'pipeline.run', target: 'r', outcome: 'success' });

    // Assess: the damaged bytes stay, the acknowledgement names them and is chained like any entry
    expect((await readFile(path, 'utf8')).split('\n')[2]).toBe('{"seq":3,"ti');
    expect(ack).toMatchObject({
      seq: 3,
      action: 'audit.acknowledge',
      details: { damaged_location: 'segments/000000000001.jsonl:3', reason: 'disk filled' },
    });
    expect(await log.verify()).toMatchObject({
      ok: true,
      entries: 4,
      acknowledged: ['segments/000000000001.jsonl:3'],
    });
  });

  it('does not accept an acknowledgement that names other bytes than the damaged ones', async () => {
    // Prepare: acknowledged, then someone swaps the damaged line for other text
    const log = await logWith(2);
    const path = await segmentPath();
    await writeFile(path, `${await readFile(path, 'utf8')}{"seq":3,"ti`);
    await log.acknowledge({ role: 'compliance', reason: 'disk filled' });
    await editLines((lines) => lines.map((l, i) => (i === 2 ? '{"seq":3,"evil' : l)));

    // Act
    const result = await log.verify();

    // Assess
    expect(result).toMatchObject({ ok: false, broken: { location: 'segments/000000000001.jsonl:3' } });
  });

  it('is keyed: a chain recomputed without the key does not verify', async () => {
    // Prepare: a keyed log; an attacker edits entry 2 and recomputes every hash (plain SHA-256)
    const key = 'k'.repeat(64);
    const log = new AuditLog(new LocalAuditSink({ dir }), { actor: 'tester', key });
    for (let i = 1; i <= 3; i++)
      await log.append({ role: 'analyst', action: 'query', target: `s-${i}`, outcome: 'success' });
    await editLines((lines) => {
      let prev = '0'.repeat(64);
      return lines.map((line) => {
        const entry = JSON.parse(line);
        if (entry.seq === 2) entry.target = 'something-innocent';
        entry.prev_hash = prev;
        entry.hash = entryHash(entry);
        prev = entry.hash;
        return JSON.stringify(entry);
      });
    });
    await writeFile(
      join(dir, 'HEAD.json'),
      JSON.stringify({
        seq: 3,
        hash: JSON.parse((await readFile(await segmentPath(), 'utf8')).split('\n')[2]!).hash,
      }),
    );

    // Act
    const result = await log.verify();
    const withWrongKey = await new AuditLog(new LocalAuditSink({ dir }), { key: 'x'.repeat(64) }).verify();

    // Assess
    expect(result).toMatchObject({
      ok: false,
      broken: { seq: 1, reason: expect.stringMatching(/not the keyed HMAC/) },
    });
    expect(withWrongKey.ok).toBe(false);
  });

  it('is caught by its external anchor when the tail and HEAD.json are cut back together', async () => {
    // Prepare: the head is exported outside the folder; someone removes entries 4–5 and rewinds HEAD.json
    const anchor = new FileAuditAnchor(join(dir, '..', `${dir.split('/').at(-1)}-anchor.json`));
    const log = new AuditLog(new LocalAuditSink({ dir }), { actor: 'tester', anchor });
    for (let i = 1; i <= 5; i++)
      await log.append({ role: 'analyst', action: 'query', target: `s-${i}`, outcome: 'success' });
    let third = '';
    await editLines((lines) => {
      third = JSON.parse(lines[2]!).hash;
      return lines.slice(0, 3);
    });
    await writeFile(join(dir, 'HEAD.json'), JSON.stringify({ seq: 3, hash: third }));

    // Act
    const result = await log.verify();
    const withoutAnchor = await new AuditLog(new LocalAuditSink({ dir })).verify();
    await rm(anchor.location, { force: true });

    // Assess
    expect(withoutAnchor.ok).toBe(true);
    expect(result).toMatchObject({
      ok: false,
      broken: { seq: 4, reason: expect.stringMatching(/external anchor .* records seq 5/) },
    });
  });

  it('writes a started entry before an audited action begins, and does not start it when that entry fails', async () => {
    // Prepare
    const log = new AuditLog(new LocalAuditSink({ dir }), { actor: 'tester' });
    const seenAtStart: string[] = [];

    // Act: the work looks at what a reader of the log would see at that moment
    await log.record({ role: 'pipeline', action: 'pipeline.run', target: 'r1' }, async () => {
      for await (const e of new AuditLog(new LocalAuditSink({ dir })).entries()) seenAtStart.push(e.outcome);
    });
    await writeFile(join(dir, 'segments', '000000000001.jsonl'), 'garbage\n', { flag: 'a' });
    let started = false;
    const refused = log.record({ role: 'pipeline', action: 'retention.run', target: 'all' }, async () => {
      started = true;
    });

    // Assess
    expect(seenAtStart).toEqual(['started']);
    expect((await log.tail(5)).map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'pipeline.run:started',
      'pipeline.run:success',
    ]);
    await expect(refused).rejects.toThrow(/cannot be read/);
    expect(started).toBe(false);
  });
});

describe('configuration and KPI-definition changes', () => {
  it('are audited once per change, by hash', async () => {
    const { recordDefinitionChanges } = await import('#src/governance/audit/record-definition-changes.ts');
    const log = new AuditLog(new LocalAuditSink({ dir }));
    const kpi = { name: 'First reply time', formula: 'median(first_reply_minutes)' };

    const first = await recordDefinitionChanges(log, [
      { action: 'config.change', target: 'warehouse-config', value: { a: 1 } },
      { action: 'kpi_definition.change', target: 'First reply time', value: kpi },
    ]);
    const unchanged = await recordDefinitionChanges(log, [
      { action: 'config.change', target: 'warehouse-config', value: { a: 1 } },
      {
        action: 'kpi_definition.change',
        target: 'First reply time',
        value: { formula: kpi.formula, name: kpi.name },
      },
    ]);
    const edited = await recordDefinitionChanges(log, [
      {
        action: 'kpi_definition.change',
        target: 'First reply time',
        value: { ...kpi, formula: 'p90(first_reply_minutes)' },
      },
    ]);

    expect([first.length, unchanged.length, edited.length]).toEqual([2, 0, 1]);
    const entries = await log.tail(10);
    expect(entries).toHaveLength(3);
    expect(entries[2]!.details.previous_sha256).toBe(entries[1]!.details.sha256);
  });
});
