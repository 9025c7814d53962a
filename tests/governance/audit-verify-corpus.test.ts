import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAuditAnchor } from '#src/governance/audit/audit-anchor.ts';
import { AuditLog } from '#src/governance/audit/audit-log.ts';
import { LocalAuditSink } from '#src/governance/audit/local/local-audit-sink.ts';

/**
 * A corpus of damaged audit folders: whatever is in them, `verify` answers (never throws) and the
 * answer is "broken", naming where.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-corpus-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const KEY = 'corpus-key-'.repeat(4);

async function intactLog(options: { anchor?: string } = {}): Promise<AuditLog> {
  const log = new AuditLog(new LocalAuditSink({ dir }), {
    actor: 'tester',
    key: KEY,
    ...(options.anchor ? { anchor: new FileAuditAnchor(options.anchor) } : {}),
  });
  for (let i = 1; i <= 3; i++)
    await log.append({ role: 'analyst', action: 'query', target: `s-${i}`, outcome: 'success' });
  return log;
}

async function segment(): Promise<string> {
  return join(dir, 'segments', (await readdir(join(dir, 'segments'))).sort()[0]!);
}

const headCorpus: [string, string][] = [
  ['garbage', 'not json at all'],
  ['empty', ''],
  ['null', 'null'],
  ['an array', '[1,2]'],
  ['a string seq', '{"seq":"3","hash":"x"}'],
  ['a negative seq', `{"seq":-1,"hash":"${'a'.repeat(64)}"}`],
  ['truncated', '{"seq":3,"ha'],
  ['binary', '\u0000\u00ff\u0001'],
];

const lineCorpus: [string, string][] = [
  ['a truncated entry', '{"seq":4,"time":"2026-'],
  ['garbage', '%%% definitely not json %%%'],
  ['null', 'null'],
  ['a bare number', '42'],
  ['an empty object', '{}'],
  ['an array', '[{"seq":4}]'],
  ['wrong types', '{"seq":"4","time":1,"actor":null}'],
  ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ['NUL bytes', '\u0000\u0000\u0000'],
  ['a carriage return only', '\r'],
];

describe('audit verify on a corrupt folder', () => {
  it.each(headCorpus)('reports a HEAD.json holding %s instead of crashing', async (_name, text) => {
    // Prepare
    const log = await intactLog();
    await writeFile(join(dir, 'HEAD.json'), text);

    // Act
    const result = await log.verify();

    // Assess
    expect(result).toMatchObject({ ok: false, broken: { reason: expect.stringMatching(/head anchor/) } });
  });

  it('reports a HEAD.json that is a folder', async () => {
    const log = await intactLog();
    await rm(join(dir, 'HEAD.json'));
    await mkdir(join(dir, 'HEAD.json'));

    const result = await log.verify();

    expect(result).toMatchObject({ ok: false, broken: { location: join(dir, 'HEAD.json') } });
  });

  it('reports an external anchor file holding garbage', async () => {
    const anchor = `${dir}-anchor.json`;
    const log = await intactLog({ anchor });
    await writeFile(anchor, '{"seq":');

    const result = await log.verify();
    await rm(anchor, { force: true });

    expect(result).toMatchObject({ ok: false, broken: { location: anchor } });
  });

  it.each(lineCorpus)('names a line holding %s in the middle of the log', async (_name, text) => {
    // Prepare: the bad line between entries 2 and 3
    const log = await intactLog();
    const path = await segment();
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    await writeFile(path, `${[lines[0], lines[1], text, lines[2]].join('\n')}\n`);

    // Act
    const result = await log.verify();

    // Assess
    expect(result).toMatchObject({
      ok: false,
      entries: 2,
      broken: { seq: 3, location: 'segments/000000000001.jsonl:3' },
    });
  });

  it.each(lineCorpus)(
    'names a line holding %s at the end and refuses to append after it',
    async (_name, text) => {
      // Prepare
      const log = await intactLog();
      await appendFile(await segment(), text);

      // Act
      const result = await log.verify();
      const append = log.append({ role: 'analyst', action: 'query', target: 'next', outcome: 'success' });

      // Assess
      expect(result).toMatchObject({
        ok: false,
        entries: 3,
        broken: { location: 'segments/000000000001.jsonl:4' },
      });
      await expect(append).rejects.toThrow(/nothing was appended/);
    },
  );

  it('reports a segment that is a folder', async () => {
    const log = await intactLog();
    await mkdir(join(dir, 'segments', '000000000009.jsonl'));

    const result = await log.verify();

    expect(result.ok).toBe(false);
  });

  it('reports a segment of random bytes', async () => {
    // Prepare: deterministic noise, newlines included
    const log = await intactLog();
    const bytes = Buffer.alloc(4096);
    let x = 7;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      bytes[i] = x % 256;
    }
    await writeFile(await segment(), bytes);

    // Act
    const result = await log.verify();

    // Assess
    expect(result).toMatchObject({ ok: false, entries: 0, broken: { seq: 1 } });
  });
});
