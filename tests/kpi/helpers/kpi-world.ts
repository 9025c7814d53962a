import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import type { Row } from '#src/engines/query-engine.ts';
import { buildSeeds } from '#src/kpi/build-seeds.ts';
import { type LandingStreamName, landingStreams } from '#src/landing/landing-schemas.ts';
import { runTransform, type TransformResult } from '#src/models/run-transform.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import type { SolvedTicketRows } from '#tests/kpi/helpers/landing-rows.ts';

/** A throw-away lake and DuckDB database on which the repository's models run, for one scenario file. */
export interface KpiWorld {
  readonly root: string;
  readonly store: LocalObjectStore;
  readonly engine: DuckDbEngine;
  readonly config: WarehouseConfig;
  /** Write rows of one stream as one landing file (gzip JSON lines) of extraction run `runId`. */
  land(stream: LandingStreamName, rows: readonly Record<string, unknown>[], runId?: string): Promise<string>;
  /** Land one ticket's row, audit events and comments as files of extraction run `runId`. */
  landTicket(rows: SolvedTicketRows, runId: string): Promise<void>;
  /** Run every model with the seeds of the world's configuration at `now`. */
  transform(now: string, options?: { full?: boolean }): Promise<TransformResult>;
  query(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

let runCounter = 0;

export async function createKpiWorld(configInput: Record<string, unknown> = {}): Promise<KpiWorld> {
  const root = mkdtempSync(join(tmpdir(), 'kpi-'));
  const store = new LocalObjectStore(join(root, 'lake'));
  const engine = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '1GB', threads: 1 });
  const config = parseConfig({ lake: { kind: 'local', root: join(root, 'lake') }, ...configInput });
  let page = 0;
  const land: KpiWorld['land'] = async (name, rows, runId = 'run-1') => {
    const stream = landingStreams[name];
    page++;
    const key = `landing/${stream.source}/${stream.stream}/dt=2026-01-01/${runId}-${String(page).padStart(5, '0')}.jsonl.gz`;
    const body = rows
      .map((r) =>
        JSON.stringify({ ...r, _run_id: runId, _extracted_at: r._extracted_at ?? '2026-01-01T00:00:00Z' }),
      )
      .join('\n');
    await store.put(key, gzipSync(`${body}\n`));
    return key;
  };
  return {
    root,
    store,
    engine,
    config,
    land,
    async landTicket(rows, runId) {
      await land('tickets', [rows.ticket], runId);
      await land('ticket_events', rows.events, runId);
      await land('comments', rows.comments, runId);
    },
    async transform(now, options = {}) {
      runCounter++;
      return runTransform({
        engine,
        store,
        runId: `transform-${runCounter}`,
        full: options.full,
        seeds: buildSeeds(config, { now: new Date(now) }),
        now: new Date(now),
      });
    },
    async query(sql) {
      return [...(await engine.execute(sql)).rows];
    },
    async close() {
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A table as sorted text lines, values normalised (doubles to 9 significant digits), so an
 * incremental build and a full rebuild can be compared table by table.
 */
export async function tableSnapshot(world: KpiWorld, table: string): Promise<string[]> {
  const rows: Row[] = await world.query(`select * from ${table}`);
  const text = (v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v)
      ? v.toPrecision(9)
      : v instanceof Date
        ? v.toISOString()
        : typeof v === 'bigint'
          ? v.toString()
          : JSON.stringify(v);
  return rows
    .map((r) =>
      Object.keys(r)
        .sort()
        .map((k) => `${k}=${text(r[k])}`)
        .join(' '),
    )
    .sort();
}
