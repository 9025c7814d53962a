import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { publish } from '#src/publish/publish.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import { launchChromium } from '#tests/dashboard/launch-chromium.ts';
import { openFixtureWarehouse } from '#tests/publish/fixture-warehouse.ts';

/*
 * A partial publication says so above everything else in the dashboard, in a real browser: which
 * streams are missing, since when, and why; a whole one shows no banner.
 */
let engine: QueryEngine;
let browser: Browser;
const config = parseConfig({});
const streams = [
  { source: 'zendesk', stream: 'tickets' },
  { source: 'hubspot', stream: 'contacts' },
];

beforeAll(async () => {
  engine = await openFixtureWarehouse();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await engine?.close();
});

async function bannerOf(runId: string, missing: Parameters<typeof publish>[0]['completeness']) {
  const store = new LocalObjectStore(join(await mkdtemp(join(tmpdir(), 'banner-')), 'lake'));
  const result = await publish({
    config,
    engine,
    store,
    runId,
    kpiVersion: 'v1',
    dataTests: { passed: true, tests: 1 },
    completeness: missing,
  });
  const page = await browser.newPage();
  try {
    await page.goto(pathToFileURL(result.dashboardUri!).href);
    await page.waitForFunction(
      () => (window as unknown as { dashboardReady?: boolean }).dashboardReady === true,
    );
    const banner = page.locator('#incomplete-banner');
    return {
      count: await banner.count(),
      visible: (await banner.count()) > 0 && (await banner.isVisible()),
      text: (await banner.count()) > 0 ? ((await banner.textContent()) ?? '') : '',
      items: await page
        .locator('#incomplete-banner li')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-stream'))),
    };
  } finally {
    await page.close();
  }
}

describe('the dashboard of a partial publication', () => {
  it('shows a banner naming each missing stream, since when and why', async () => {
    const banner = await bannerOf('run-partial', {
      streams,
      missing: [
        {
          source: 'hubspot',
          stream: 'contacts',
          error: 'hubspot /crm/v3/objects/contacts/search answered HTTP 404',
          missingSince: '2026-12-06T06:00:00.000Z',
          lastSucceededAt: '2026-12-05T06:00:00.000Z',
        },
      ],
    });

    expect(banner.visible).toBe(true);
    expect(banner.items).toEqual(['hubspot/contacts']);
    expect(banner.text).toContain('Incomplete data');
    expect(banner.text).toContain('missing since 2026-12-06 06:00 UTC');
    expect(banner.text).toContain('last complete 2026-12-05 06:00 UTC');
    expect(banner.text).toContain('HTTP 404');
  }, 120_000);

  it('shows no banner when every stream was extracted whole', async () => {
    const banner = await bannerOf('run-whole', { streams, missing: [] });
    expect(banner.count).toBe(0);
  }, 120_000);
});
