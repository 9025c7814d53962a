import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import { runPipeline } from '#src/pipeline/run-pipeline.ts';

/*
 * The business calendar used to end on 2027-12-31 by default: past it, backlog_daily was empty and
 * its freshness test blocked every publication. A desk whose "now" is in 2028 must still publish.
 */
describe('a run whose now is past the old calendar end', () => {
  it('publishes, with a backlog row for every day of the simulated desk', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'calendar-2028-'));
    const config = parseConfig({
      lake: { kind: 'local', root: join(dir, 'lake') },
      engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit: '1GB', threads: 1 },
      stateDir: join(dir, 'state'),
      simulator: { seed: 11, startDate: '2028-03-01', days: 3, ticketsPerDay: 20 },
    });
    // Act
    const result = await runPipeline({
      config,
      runId: 'run-2028',
      env: { WAREHOUSE_HMAC_KEY: 'test-key-for-the-calendar-only' },
    });
    // Assess
    expect(result.now.toISOString()).toBe('2028-03-04T00:00:00.000Z');
    expect(result.dataTests.passed).toBe(true);
    expect(result.publication?.runId).toBe('run-2028');
    const engine = await createQueryEngine(config);
    try {
      const rows = (
        await engine.execute(
          "select cast(day_date as varchar) as day from backlog_daily where breakdown = 'overall' order by 1",
        )
      ).rows.map((r) => String(r.day));
      expect(rows).toEqual(['2028-03-01', '2028-03-02', '2028-03-03', '2028-03-04']);
    } finally {
      await engine.close();
    }
  }, 300_000);
});
