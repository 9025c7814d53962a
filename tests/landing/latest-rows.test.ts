import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { duckDbStatements } from '#src/engines/duckdb/duckdb-statements.ts';
import { type LandingStream, landingStreams, newSourceName } from '#src/landing/landing-schemas.ts';
import { latestRowsFile, latestRowsModel, latestRowsName } from '#src/landing/latest-rows.ts';
import { DEFAULT_MODELS_DIR, loadModels } from '#src/models/load-models.ts';
import { buildModelGraph } from '#src/models/model-graph.ts';
import { createLandingWorld, type LandingWorld } from '#tests/models/helpers/landing-world.ts';

const streams = Object.values(landingStreams) as LandingStream[];

describe('the generated latest-row models', () => {
  it('are checked in exactly as the landing declaration renders them (npm run generate:landing)', () => {
    for (const stream of streams) {
      const checkedIn = readFileSync(join(DEFAULT_MODELS_DIR, latestRowsFile(stream)), 'utf8');
      expect(checkedIn, latestRowsFile(stream)).toBe(latestRowsModel(stream));
    }
  });

  it('are all there is in the generated folders (none left from a removed stream)', () => {
    const onDisk = [...new Set(streams.map((s) => s.source))].flatMap((source) =>
      readdirSync(join(DEFAULT_MODELS_DIR, 'staging', source, 'generated')).map(
        (f) => `staging/${source}/generated/${f}`,
      ),
    );
    expect(onDisk.sort()).toEqual(streams.map(latestRowsFile).sort());
  });

  it('leave staging models only renaming and casting: each reads its stream’s latest rows, none ranks versions', () => {
    // Prepare
    const graph = buildModelGraph(loadModels());
    const staging = graph.order.filter((m) => m.name.startsWith('stg_'));
    // Act
    const reads = Object.fromEntries(staging.map((m) => [m.name, graph.reads.get(m.name)?.tables]));
    // Assess
    expect(staging).toHaveLength(streams.length);
    for (const stream of streams)
      expect(reads[`stg_${stream.source}__${stream.stream}`]).toEqual([latestRowsName(stream)]);
    for (const model of staging) expect(model.sql, model.file).not.toMatch(/row_number|\bover\s*\(/i);
  });
});

describe('the latest rows of a stream', () => {
  let world: LandingWorld;
  let landed: string[];
  beforeEach(async () => {
    world = await createLandingWorld({ withFixtures: false });
    landed = [];
  });
  const land = async (...args: Parameters<LandingWorld['land']>) => {
    landed.push(await world.land(...args));
  };
  afterEach(async () => {
    await world.close();
  });

  /** Define the stream's landing sources over every landed file, then read its latest-row model. */
  async function latest(stream: LandingStream, order: string): Promise<readonly Record<string, unknown>[]> {
    const files = landed
      .filter((key) => key.startsWith(`landing/${stream.source}/${stream.stream}/`))
      .map((key) => world.store.uri(key));
    for (const s of duckDbStatements.landingSources({
      stream,
      allFiles: files,
      newFiles: files,
      prefixUri: '',
    }))
      await world.engine.execute(s);
    const model = readFileSync(join(DEFAULT_MODELS_DIR, latestRowsFile(stream)), 'utf8');
    return (await world.engine.execute(`SELECT * FROM (${model}) AS latest ORDER BY ${order}`)).rows;
  }

  const group = (id: number, updated: string, name: string) => ({
    group_id: id,
    name,
    is_deleted: false,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: updated,
  });

  it('keeps the newest version of each key, compared as instants, whatever order the files came in', async () => {
    // Prepare: the newer version of group 1 lands first; "…00.5Z" is later than "…00Z" though it sorts before it as text.
    await land('groups', '2026-01-03', 'run-b', [group(1, '2026-01-02T10:00:00.5Z', 'newest')]);
    await land('groups', '2026-01-04', 'run-c', [group(1, '2026-01-02T10:00:00Z', 'older, re-read later')]);
    await land('groups', '2026-01-04', 'run-c', [group(2, '2026-01-01T00:00:00Z', 'only')]);
    // Act
    const rows = await latest(landingStreams.groups, 'group_id');
    // Assess
    expect(rows.map((r) => [r.group_id, r.name])).toEqual([
      [1, 'newest'],
      [2, 'only'],
    ]);
    expect(rows.map((r) => Object.keys(r))[0]).toEqual(Object.keys(landingStreams.groups.columns));
  });

  it('breaks a tie of versions by the later extraction, then by the greater run id', async () => {
    // Prepare
    const v = '2026-01-02T00:00:00Z';
    await land('groups', '2026-01-02', 'run-a', [
      { ...group(1, v, 'extracted first'), _extracted_at: '2026-01-02T01:00:00Z' },
      { ...group(2, v, 'run a'), _extracted_at: '2026-01-02T05:00:00Z' },
    ]);
    await land('groups', '2026-01-02', 'run-b', [
      { ...group(1, v, 'extracted last'), _extracted_at: '2026-01-02T02:00:00Z' },
      { ...group(2, v, 'run b'), _extracted_at: '2026-01-02T05:00:00Z' },
    ]);
    // Act
    const rows = await latest(landingStreams.groups, 'group_id');
    // Assess
    expect(rows.map((r) => r.name)).toEqual(['extracted last', 'run b']);
  });

  it('ranks a numeric version by number and keys of several columns as one key', async () => {
    // Prepare: tickets are versioned by generated_timestamp (9 < 10 as numbers, not as text).
    const ticket = (id: number, generated: number, status: string) => ({
      ticket_id: id,
      requester_id: null,
      submitter_id: null,
      assignee_id: null,
      group_id: null,
      organization_id: null,
      brand_id: null,
      status,
      priority: null,
      ticket_type: null,
      via_channel: 'email',
      category: null,
      language: null,
      tags: '[]',
      custom_fields: '[]',
      is_deleted: false,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      generated_timestamp: generated,
    });
    await land('tickets', '2026-01-02', 'run-b', [ticket(7, 9, 'open')]);
    await land('tickets', '2026-01-01', 'run-a', [ticket(7, 10, 'solved')]);
    const snapshot = (from: string, tier: string) => ({
      contact_id: '5',
      customer_key: null,
      valid_from: from,
      vip_tier: tier,
      kyc_level: null,
      last_trade_at: null,
    });
    await land('contact_snapshots', '2026-01-01', 'run-a', [snapshot('2026-01-01T00:00:00Z', 'gold')]);
    await land('contact_snapshots', '2026-01-02', 'run-b', [
      snapshot('2026-01-01T00:00:00Z', 'gold, re-read'),
      snapshot('2026-02-01T00:00:00Z', 'vip'),
    ]);
    // Act
    const tickets = await latest(landingStreams.tickets, 'ticket_id');
    const snapshots = await latest(landingStreams.contact_snapshots, 'valid_from');
    // Assess
    expect(tickets.map((r) => r.status)).toEqual(['solved']);
    expect(snapshots.map((r) => r.vip_tier)).toEqual(['gold, re-read', 'vip']);
  });

  it('reads only the rows that arrived in this run', async () => {
    // Prepare
    const stream = landingStreams.groups;
    const old = await world.land('groups', '2026-01-01', 'run-a', [
      group(1, '2026-01-05T00:00:00Z', 'old but newer'),
    ]);
    const fresh = await world.land('groups', '2026-01-02', 'run-b', [
      group(1, '2026-01-01T00:00:00Z', 'new'),
    ]);
    for (const s of duckDbStatements.landingSources({
      stream,
      allFiles: [old, fresh].map((k) => world.store.uri(k)),
      newFiles: [world.store.uri(fresh)],
      prefixUri: '',
    }))
      await world.engine.execute(s);
    // Act
    const model = readFileSync(join(DEFAULT_MODELS_DIR, latestRowsFile(stream)), 'utf8');
    const rows = (await world.engine.execute(`SELECT name FROM (${model}) AS latest`)).rows;
    // Assess
    expect(model).toContain(`from ${newSourceName(stream)}`);
    expect(rows).toEqual([{ name: 'new' }]);
  });
});
