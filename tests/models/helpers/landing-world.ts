import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { type LandingStreamName, landingStreams } from '#src/landing/landing-schemas.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';

const repoSql = fileURLToPath(new URL('../../../sql/', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A throw-away lake, DuckDB database and models folder (the repository's staging + the test fixtures). */
export interface LandingWorld {
  readonly root: string;
  readonly store: LocalObjectStore;
  readonly engine: DuckDbEngine;
  readonly modelsDir: string;
  /** Write rows of one stream as one landing file of an extraction run on day `dt`. */
  land(
    stream: LandingStreamName,
    dt: string,
    runId: string,
    rows: readonly Record<string, unknown>[],
  ): Promise<string>;
  close(): Promise<void>;
}

export async function createLandingWorld(options: { withFixtures?: boolean } = {}): Promise<LandingWorld> {
  const root = mkdtempSync(join(tmpdir(), 'models-'));
  const modelsDir = join(root, 'sql');
  cpSync(join(repoSql, 'staging'), join(modelsDir, 'staging'), { recursive: true });
  if (options.withFixtures ?? true) cpSync(fixtures, modelsDir, { recursive: true });
  const store = new LocalObjectStore(join(root, 'lake'));
  const engine = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '512MB', threads: 1 });
  let page = 0;
  return {
    root,
    store,
    engine,
    modelsDir,
    async land(name, dt, runId, rows) {
      const stream = landingStreams[name];
      page++;
      const key = `landing/${stream.source}/${stream.stream}/dt=${dt}/${runId}-${String(page).padStart(5, '0')}.jsonl.gz`;
      const body = rows
        .map((r) =>
          JSON.stringify({ ...r, _run_id: runId, _extracted_at: r._extracted_at ?? `${dt}T23:00:00Z` }),
        )
        .join('\n');
      await store.put(key, gzipSync(`${body}\n`));
      return key;
    },
    async close() {
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A landing ticket row with defaults for every column. */
export function ticketRow(fields: { ticket_id: number; created_at: string } & Record<string, unknown>) {
  return {
    requester_id: 1,
    submitter_id: 1,
    assignee_id: null,
    group_id: 10,
    organization_id: null,
    brand_id: null,
    status: 'new',
    priority: 'normal',
    ticket_type: null,
    via_channel: 'email',
    category: 'fees',
    language: 'en',
    tags: '[]',
    custom_fields: '[]',
    is_deleted: false,
    updated_at: fields.created_at,
    generated_timestamp: Math.floor(Date.parse(String(fields.updated_at ?? fields.created_at)) / 1000),
    ...fields,
  };
}
