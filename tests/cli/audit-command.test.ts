import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '#src/cli/main.ts';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';

/* `warehouse audit verify | acknowledge` on the configured log, run in this process. */
let dir: string;
let configFile: string;
let out: string[];
let input: Record<string, unknown>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-audit-'));
  input = {
    stateDir: join(dir, 'state'),
    lake: { kind: 'local', root: join(dir, 'lake') },
    governance: { auditAnchorFile: join(dir, 'anchor', 'audit-head.json') },
  };
  configFile = join(dir, 'warehouse.json');
  await writeFile(configFile, JSON.stringify(input));
  out = [];
  const capture = (...args: unknown[]) => {
    out.push(args.map(String).join(' '));
  };
  vi.spyOn(console, 'log').mockImplementation(capture);
  vi.spyOn(console, 'error').mockImplementation(capture);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const warehouse = (...args: string[]) => runCli(['node', 'warehouse', '--config', configFile, ...args]);

async function appendThree(): Promise<string> {
  const log = createAuditLog(parseConfig(input), { actor: 'tester' });
  for (let i = 1; i <= 3; i++)
    await log.append({ role: 'pipeline', action: 'pipeline.run', target: `r${i}`, outcome: 'success' });
  return join(dir, 'state', 'audit', 'segments', '000000000001.jsonl');
}

describe('warehouse audit', () => {
  it('verify reports a corrupt HEAD.json with exit code 3 instead of crashing', async () => {
    // Prepare
    await appendThree();
    await writeFile(join(dir, 'state', 'audit', 'HEAD.json'), '{"seq": 3, "hash": ');

    // Act
    const code = await warehouse('audit', 'verify');

    // Assess
    expect(code).toBe(3);
    expect(out.join('\n')).toMatch(/BROKEN after 3 intact entries[\s\S]*HEAD\.json/);
  });

  it('acknowledge lets appends continue past a half-written entry, audited, and verify then passes', async () => {
    // Prepare: a writer died mid-entry
    const segment = await appendThree();
    await writeFile(segment, `${await readFile(segment, 'utf8')}{"seq":4,"time":"2026-`);
    const before = await warehouse('audit', 'verify');

    // Act
    const acknowledged = await warehouse(
      'audit',
      'acknowledge',
      '--as',
      'oncall',
      '--reason',
      'disk filled at 10:00',
    );
    const after = await warehouse('audit', 'verify');

    // Assess
    expect(before).toBe(3);
    expect(acknowledged).toBe(0);
    expect(after).toBe(0);
    expect(out.join('\n')).toMatch(/intact, 4 entries/);
    expect(out.join('\n')).toMatch(/external anchor .*audit-head\.json: seq 4 matches/);
    const last = (await createAuditLog(parseConfig(input)).tail(1))[0];
    expect(last).toMatchObject({
      actor: 'oncall',
      action: 'audit.acknowledge',
      details: { reason: 'disk filled at 10:00', damaged_location: 'segments/000000000001.jsonl:4' },
    });
  });

  it('acknowledge refuses when the log ends intact', async () => {
    await appendThree();

    const code = await warehouse('audit', 'acknowledge', '--reason', 'just because');

    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/nothing to acknowledge/);
  });
});
