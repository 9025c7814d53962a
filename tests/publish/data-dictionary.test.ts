import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import {
  factTables,
  kpiMarts,
  operationalTables,
  renderAccessPolicy,
} from '#src/governance/access/access-policy.ts';
import { loadModels, type Model } from '#src/models/load-models.ts';
import { parseModelHeader } from '#src/models/model-header.ts';
import { runPipeline } from '#src/pipeline/run-pipeline.ts';
import {
  buildDataDictionary,
  kpiColumnDescriptions,
  runtimeTableDocs,
  staleColumnDocs,
  undocumentedColumns,
} from '#src/publish/dictionary/data-dictionary.ts';
import { publishedGlueColumnComments } from '#src/publish/dictionary/glue-column-comments.ts';
import { type CurrentPublication, readCurrentPublication } from '#src/publish/read-publication.ts';
import { verifyPublication } from '#src/publish/verify-publication.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { launchChromium } from '#tests/dashboard/launch-chromium.ts';

/*
 * The data dictionary of a real default run (a small simulated desk, built in DuckDB and
 * published): every published column described, every column doc naming a column its model really
 * produces, the page beside the dashboard browsable in Chromium, and every table the access policy
 * names present in the engine.
 */
let config: WarehouseConfig;
let engine: QueryEngine;
let store: ObjectStore;
let publication: CurrentPublication;
const models = loadModels();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dictionary-'));
  config = parseConfig({
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit: '1GB', threads: 1 },
    stateDir: join(dir, 'state'),
    simulator: { seed: 7, startDate: '2026-08-01', days: 4, ticketsPerDay: 25 },
  });
  await runPipeline({
    config,
    runId: 'run-1',
    env: { WAREHOUSE_HMAC_KEY: 'test-key-for-the-dictionary-only' },
  });
  engine = await createQueryEngine(config);
  store = createObjectStore(config.lake);
  publication = await readCurrentPublication(store);
}, 600_000);

afterAll(async () => {
  await engine?.close();
});

async function columnsOf(table: string): Promise<string[]> {
  return [...(await engine.execute(`SELECT * FROM "${table}" LIMIT 0`)).columns];
}

describe('the data dictionary of a default run', () => {
  it('describes every published column in the manifest', () => {
    // Prepare: what the publication holds
    const tables = publication.manifest.tables;
    // Act: the columns without a description
    const missing = tables.flatMap((t) =>
      t.columns.filter((c) => !(t.columnDescriptions?.[c] ?? '').trim()).map((c) => `${t.name}.${c}`),
    );
    // Assess: every published table is there (sla_alerts is written after the first publication),
    // and none has an undescribed column
    expect([...tables.map((t) => t.name), ...publication.manifest.missingTables].sort()).toEqual(
      [...kpiMarts, ...factTables].sort(),
    );
    expect(tables.reduce((n, t) => n + t.columns.length, 0)).toBeGreaterThan(250);
    expect(missing).toEqual([]);
  });

  it('resolves a wide view’s KPI columns from the KPI catalogue and its other columns from kpi_values', () => {
    // Prepare
    const wide = publication.manifest.tables.find((t) => t.name === 'kpi_daily_wide');
    const kpis = kpiColumnDescriptions();
    // Assess
    expect(wide?.columnDescriptions?.fcr_rate).toBe(kpis.get('fcr_rate'));
    expect(wide?.columnDescriptions?.fcr_rate).toMatch(/is_first_contact_resolution/);
    expect(wide?.columnDescriptions?.breakdown_value).toBe(
      models.find((m) => m.name === 'kpi_values')?.header.columns?.get('breakdown_value'),
    );
  });

  it('finds a missing description: a published column nobody documented', async () => {
    // Prepare: fct_tickets' model without its doc of channel
    const fct = models.find((m) => m.name === 'fct_tickets') as Model;
    const text = fct.sql.replace(/^-- column: channel: .*\n/m, '');
    const undocumented: Model = { ...fct, header: parseModelHeader(text, fct.file) };
    const columns = (await columnsOf('fct_tickets')).map((name) => ({ name }));
    // Act
    const dictionary = buildDataDictionary(
      models.map((m) => (m.name === 'fct_tickets' ? undocumented : m)),
      [{ name: 'fct_tickets', kind: 'fact', columns }],
    );
    // Assess
    expect(undocumentedColumns(dictionary)).toEqual(['fct_tickets.channel']);
  });

  it('holds column docs only for columns their model really produces', async () => {
    // Prepare: every model that documents columns, with the columns the engine built
    const documented = models.filter((m) => (m.header.columns?.size ?? 0) > 0);
    // Act
    const stale: string[] = [];
    for (const model of documented) {
      for (const column of staleColumnDocs(model, await columnsOf(model.name)))
        stale.push(`${model.name}.${column}`);
    }
    // Assess: the published models are documented, and no doc names a column the model lacks
    expect(documented.length).toBeGreaterThanOrEqual(14);
    expect(stale).toEqual([]);
  });

  it('documents exactly the columns of the published tables no model builds', async () => {
    for (const [table, doc] of Object.entries(runtimeTableDocs)) {
      // Act
      const columns = await columnsOf(table);
      // Assess
      expect(Object.keys(doc.columns).sort(), table).toEqual([...columns].sort());
    }
  });

  it('refuses a column doc for a column the model does not produce', async () => {
    // Prepare: a doc with a typo in the column name
    const fct = models.find((m) => m.name === 'fct_tickets') as Model;
    const header = parseModelHeader(fct.sql.replace('-- column: channel:', '-- column: chanel:'), fct.file);
    // Act
    const stale = staleColumnDocs({ ...fct, header }, await columnsOf('fct_tickets'));
    // Assess
    expect(stale).toEqual(['chanel']);
  });

  it('renders a Glue comment of at most 255 characters for every published column', async () => {
    // Prepare: the dictionary of the published tables, with their real columns
    const relations = await Promise.all(
      publication.manifest.tables.map(async (t) => ({
        name: t.name,
        kind: t.kind,
        columns: (await columnsOf(t.name)).map((name) => ({ name })),
      })),
    );
    // Act
    const comments = publishedGlueColumnComments(buildDataDictionary(models, relations));
    // Assess
    const all = Object.values(comments).flat();
    expect(all.length).toBeGreaterThan(250);
    expect(all.filter((c) => c.comment.trim() === '' || c.comment.length > 255)).toEqual([]);
    expect(comments.fct_tickets?.find((c) => c.name === 'customer_key')?.comment).toMatch(/HMAC-SHA256/);
  });

  it('publishes the dictionary page in the manifest, verified with the rest', async () => {
    // Act
    const check = await verifyPublication(store, publication);
    // Assess
    expect(publication.manifest.dictionary?.path).toBe('dashboard/dictionary.html');
    expect(check.problems).toEqual([]);
    expect(check.files).toBeGreaterThan(publication.manifest.tables.length);
  });
});

describe('the data dictionary page, in a browser', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file://')) problems.push(`request: ${request.url()}`);
    });
    const dashboard = publication.manifest.dashboard;
    if (!dashboard) throw new Error('no dashboard was published');
    await page.goto(pathToFileURL(store.uri(publication.fileKey(dashboard))).href);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('opens from the dashboard’s link and lists every published table with its columns', async () => {
    // Act: follow the dashboard's link
    await page.click('#data-dictionary-link');
    await page.waitForSelector('section[data-table="fct_tickets"]');
    // Assess: one section per published table, each column with its type and description
    const sections = await page.$$eval('section[data-table]', (s) =>
      s.map((e) => e.getAttribute('data-table')),
    );
    expect(sections.sort()).toEqual(publication.manifest.tables.map((t) => t.name).sort());
    const row = await page.$eval(
      'section[data-table="fct_tickets"] tr[data-column="first_reply_time_s"]',
      (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
    );
    expect(row[1]).toBe('DOUBLE');
    expect(row[2]).toMatch(/first_reply_at/);
    const emptyDescriptions = await page.$$eval(
      'td.column-description',
      (cells) => cells.filter((c) => (c.textContent ?? '').trim() === '').length,
    );
    expect(emptyDescriptions).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows each table’s tests and lineage, and jumps to an upstream table', async () => {
    // Prepare
    const section = page.locator('section[data-table="kpi_scorecard"]');
    // Assess: tests and lineage are there
    await expect(section.locator('.tests').textContent()).resolves.toMatch(/unique\(kpi, breakdown/);
    await expect(section.locator('.lineage').textContent()).resolves.toMatch(/kpi_values/);
    // Act: follow the lineage link to kpi_values
    await section.locator('.lineage a', { hasText: 'kpi_values' }).click();
    // Assess
    expect(new URL(page.url()).hash).toBe('#kpi_values');
  });
});

describe('the access policy', () => {
  it('names only tables that exist after a default run', async () => {
    // Prepare: the relations in the engine's catalog
    const relations = await engine.listRelations();
    const named = [
      ...kpiMarts,
      ...factTables,
      ...operationalTables,
      ...renderAccessPolicy().roles.flatMap((r) => [...r.tables.map((t) => t.table), ...r.deniedTables]),
    ];
    // Act
    const missing = [...new Set(named)].filter((name) => !relations.has(name));
    // Assess
    expect(operationalTables.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});
