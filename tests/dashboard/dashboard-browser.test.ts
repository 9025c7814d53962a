import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { formatValue, unitOfCatalogue } from '#src/dashboard/format-value.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { type PublicationResult, publish } from '#src/publish/publish.ts';
import { type CurrentPublication, readCurrentPublication } from '#src/publish/read-publication.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import { launchChromium } from '#tests/dashboard/launch-chromium.ts';
import { openFixtureWarehouse } from '#tests/publish/fixture-warehouse.ts';
import { readParquetRows } from '#tests/publish/read-published.ts';

const SCREENSHOTS = join(process.cwd(), 'var', 'screenshots');

let engine: QueryEngine;
let folder: string;
let store: LocalObjectStore;
let result: PublicationResult;
let publication: CurrentPublication;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const config = parseConfig({});

beforeAll(async () => {
  engine = await openFixtureWarehouse();
  folder = await mkdtemp(join(tmpdir(), 'dashboard-test-'));
  store = new LocalObjectStore(join(folder, 'lake'));
  result = await publish({
    config,
    engine,
    store,
    runId: 'run-dashboard',
    kpiVersion: 'v3',
    dataTests: { passed: true, tests: 1 },
  });
  publication = await readCurrentPublication(store);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Offline from file://: any request leaving the page would be a CDN or a leak.
  page.on('request', (request) => {
    if (!request.url().startsWith('file://') && !request.url().startsWith('data:'))
      problems.push(`request: ${request.url()}`);
  });
  if (!result.dashboardUri) throw new Error('no dashboard was published');
  await page.goto(pathToFileURL(result.dashboardUri).href);
  await page.waitForFunction(
    () => (window as unknown as { dashboardReady?: boolean }).dashboardReady === true,
  );
});

afterAll(async () => {
  await browser?.close();
  await engine?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('the published dashboard, opened from its file in Chromium', () => {
  test('loads with no console error, no warning and no network request', () => {
    expect(problems).toEqual([]);
  });

  test('draws data in every chart', async () => {
    // Act
    const charts = await page.evaluate(() => {
      const echarts = (window as unknown as { echarts: { getInstanceByDom(el: Element): unknown } }).echarts;
      return [...document.querySelectorAll('.chart')].map((element) => {
        const instance = echarts.getInstanceByDom(element) as
          | { getOption(): { series: { data?: unknown[] }[] } }
          | undefined;
        const series = instance?.getOption().series ?? [];
        const section = element.closest('section')?.id ?? '?';
        const points = series.map((s) => (s.data ?? []).filter((v) => v !== null && v !== undefined).length);
        return { section, series: series.length, points: Math.min(...points, Number.POSITIVE_INFINITY) };
      });
    });

    // Assess
    expect(new Set(charts.map((c) => c.section))).toEqual(
      new Set(['quality-index', 'trends', 'breakdowns', 'backlog', 'volume', 'agents']),
    );
    for (const chart of charts) {
      expect(chart.series, `${chart.section} chart series`).toBeGreaterThan(0);
      expect(chart.points, `${chart.section} chart points`).toBeGreaterThan(0);
    }
    const trends = charts.filter((c) => c.section === 'trends').length;
    const cells = await engine.execute('SELECT DISTINCT kpi, breakdown, breakdown_value FROM kpi_scorecard');
    expect(trends).toBe(cells.rows.length);
  });

  test('shows on its scorecard the values of the published kpi_scorecard', async () => {
    // Prepare
    const table = publication.manifest.tables.find((t) => t.name === 'kpi_scorecard');
    if (!table) throw new Error('kpi_scorecard not published');
    const published = await readParquetRows(store, publication, table);
    const units = Object.fromEntries(
      Object.entries(config.kpis.catalogue).map(([kpi, d]) => [kpi, unitOfCatalogue(d.unit)]),
    );
    const toDay = (value: unknown) =>
      value instanceof Date ? value.toISOString().slice(0, 10) : String(value);

    // Act
    const cards = await page.$$eval('#scorecard .card', (elements) =>
      elements.map((card) => ({
        kpi: card.getAttribute('data-kpi') ?? '',
        breakdown: card.getAttribute('data-breakdown') ?? '',
        breakdownValue: card.getAttribute('data-breakdown-value') ?? '',
        grain: card.getAttribute('data-period-grain') ?? '',
        periodStart: card.getAttribute('data-period-start') ?? '',
        status: card.getAttribute('data-status') ?? '',
        actual: card.querySelector('.kpi-actual')?.textContent ?? '',
        target: card.querySelector('.kpi-target-value')?.textContent ?? '',
      })),
    );

    // Assess: one card per published target cell, each the latest period of its grain, same values.
    const cell = (kpi: unknown, breakdown: unknown, value: unknown) => `${kpi}|${breakdown}|${value}`;
    expect(cards.map((c) => cell(c.kpi, c.breakdown, c.breakdownValue)).sort()).toEqual(
      [...new Set(published.map((r) => cell(r.kpi, r.breakdown, r.breakdown_value)))].sort(),
    );
    expect(cards.some((c) => c.breakdown === 'channel' && c.breakdownValue === 'email')).toBe(true);
    for (const card of cards) {
      const rows = published.filter(
        (r) =>
          cell(r.kpi, r.breakdown, r.breakdown_value) ===
            cell(card.kpi, card.breakdown, card.breakdownValue) && r.period_grain === card.grain,
      );
      const latest = rows
        .map((r) => toDay(r.period_start))
        .sort()
        .at(-1);
      const row = rows.find((r) => toDay(r.period_start) === card.periodStart);
      expect(card.periodStart, card.kpi).toBe(latest);
      expect(card.status, card.kpi).toBe(row?.status);
      expect(card.actual, card.kpi).toBe(formatValue(card.kpi, row?.actual ?? null, units));
      expect(card.target, card.kpi).toBe(formatValue(card.kpi, row?.target ?? null, units));
    }
    const met = cards.filter((c) => c.status === 'met').length;
    expect(await page.textContent('#tally-met strong')).toBe(String(met));
  });

  test('lists the active SLA alert, formatted in its KPI unit', async () => {
    const text = await page.textContent('#alerts-table tbody');
    expect(text).toContain('alert-0001');
    expect(text).toContain('87.4 %');
    expect(text).not.toContain('alert-0000');
    // The cells that drive it get a full-width row of their own, never cut off at the table's edge.
    expect(await page.textContent('#alerts-table .alert-drivers')).toBe(
      'Driven by: channel=chat; vip_tier=gold',
    );
    expect(await page.textContent('#alerts-table .alert-bookkeeping')).toContain('alert alert-0001');
    expect(await page.getAttribute('#alerts-table tr.alert-detail td', 'colspan')).toBe(
      String(await page.locator('#alerts-table thead th').count()),
    );
    const fits = await page.$eval('#alerts .table-wrap', (wrap) => wrap.scrollWidth <= wrap.clientWidth);
    expect(fits).toBe(true);
  });

  test('redraws the breakdowns for another KPI', async () => {
    // Act
    await page.selectOption('#breakdown-kpi', 'first_reply_time_avg_s');

    // Assess
    const names = await page.evaluate(() => {
      const echarts = (window as unknown as { echarts: { getInstanceByDom(el: Element): unknown } }).echarts;
      return [...document.querySelectorAll('#breakdowns .chart')].map(
        (element) =>
          (echarts.getInstanceByDom(element) as { getOption(): { series: { name: string }[] } }).getOption()
            .series[0]?.name,
      );
    });
    expect(names).toEqual([
      'First reply time avg',
      'First reply time avg',
      'First reply time avg',
      'First reply time avg',
    ]);
    await page.selectOption('#breakdown-kpi', 'sla_compliance_rate');
  });

  test('leaves a full-page screenshot for the reviewer', async () => {
    // Act
    await mkdir(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, 'dashboard.png');
    const image = await page.screenshot({ path, fullPage: true });

    // Assess
    expect(image.byteLength).toBeGreaterThan(50_000);
  });
});
