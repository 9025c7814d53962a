import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEngineSettings } from '#src/config/check-engine-settings.ts';
import { loadConfig, parseConfig } from '#src/config/warehouse-config.ts';
import { ConfigError } from '#src/shared/config-error.ts';

describe('warehouse configuration', () => {
  it('gives the embedded local setup when nothing is configured', () => {
    const config = loadConfig();
    expect(config.lake).toEqual({ kind: 'local', root: 'var/lake' });
    expect(config.engine.kind).toBe('duckdb');
    expect(config.sources.zendesk?.requestsPerMinute).toBe(10);
    expect(config.governance.retention.factsMonths).toBe(24);
  });

  it('names the field that is wrong', () => {
    // Prepare
    const input = {
      sources: { zendesk: { baseUrl: 'not a url' } },
      governance: { retention: { factsMonths: 36 } },
    };
    // Act
    const act = () => parseConfig(input, 'test.json');
    // Assess
    expect(act).toThrow(ConfigError);
    try {
      act();
    } catch (error) {
      const paths = (error as ConfigError).issues.map((i) => i.path);
      expect(paths).toContain('sources.zendesk.baseUrl');
      expect(paths).toContain('governance.retention.factsMonths');
      expect((error as Error).message).toMatch(/test\.json/);
    }
  });

  it('refuses unknown fields instead of ignoring a typo', () => {
    expect(() => parseConfig({ engine: { kind: 'duckdb', memorylimit: '1GB' } })).toThrow(/memorylimit/);
  });

  it('reports a file that is not JSON with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ nope');
    expect(() => loadConfig(file)).toThrow(/bad\.json[\s\S]*not valid JSON/);
  });
});

describe('sources beyond the bundled connectors', () => {
  it('accepts a section for another source, for its own connector folder to check', () => {
    const config = parseConfig({ sources: { freshdesk: { baseUrl: 'https://acme.freshdesk.com' } } });
    expect(config.sources.freshdesk).toEqual({ baseUrl: 'https://acme.freshdesk.com' });
    expect(config.sources.zendesk).toBeUndefined();
  });

  it('still checks the bundled connectors’ sections field by field', () => {
    expect(() => parseConfig({ sources: { hubspot: { pageSize: 500 } } })).toThrow(
      /sources\.hubspot\.pageSize/,
    );
  });
});

/** The paths of the issues `input` raises, or [] when it parses. */
function issuePaths(input: unknown): string[] {
  try {
    parseConfig(input);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => i.path);
  }
}

describe('every field checked up front', () => {
  it('refuses a file holding null, a number or a list instead of running the defaults', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const files = ['null', '3', '[]'].map((text, i) => {
      const file = join(dir, `c${i}.json`);
      writeFileSync(file, text);
      return file;
    });
    // Act / Assess
    for (const file of files) expect(() => loadConfig(file)).toThrow(/\(root\)/);
  });

  it.each([
    ['file:///etc/passwd', false],
    ['ftp://desk.example.com', false],
    ['javascript:alert(1)', false],
    ['http://desk.example.com', false],
    ['http://10.0.0.5:8080', false],
    ['https://acme.zendesk.com', true],
    ['http://127.0.0.1:8080', true],
    ['http://localhost:3000', true],
    ['http://[::1]:9000', true],
  ])('takes %s as a source base URL: %s', (url, accepted) => {
    const paths = [
      ...issuePaths({ sources: { zendesk: { baseUrl: url } } }),
      ...issuePaths({ sources: { hubspot: { baseUrl: url } } }),
      ...issuePaths({ lake: { kind: 's3', bucket: 'lake', endpoint: url } }),
      ...issuePaths({ governance: { audit: { kind: 's3', bucket: 'audit', endpoint: url } } }),
    ];
    expect(paths).toEqual(
      accepted
        ? []
        : [
            'sources.zendesk.baseUrl',
            'sources.hubspot.baseUrl',
            'lake.endpoint',
            'governance.audit.endpoint',
          ],
    );
  });

  it('refuses unknown time zones wherever one is configured', () => {
    expect(issuePaths({ desk: { reportingTimeZone: 'Mars/Olympus' } })).toEqual(['desk.reportingTimeZone']);
    expect(
      issuePaths({
        sla: {
          schedules: {
            d: { timeZone: 'Europe/Londn', hours: [{ days: ['mon'], open: '09:00', close: '17:00' }] },
          },
        },
      }),
    ).toContain('sla.schedules.d.timeZone');
    expect(issuePaths({ desk: { reportingTimeZone: 'Asia/Kolkata' } })).toEqual([]);
  });

  it('refuses an empty state folder and a memory limit that is no amount', () => {
    expect(issuePaths({ stateDir: '' })).toEqual(['stateDir']);
    expect(issuePaths({ stateDir: '  ' })).toEqual(['stateDir']);
    expect(issuePaths({ engine: { kind: 'duckdb', memoryLimit: 'lots' } })).toEqual(['engine.memoryLimit']);
    expect(issuePaths({ engine: { kind: 'duckdb', memoryLimit: '1.5GiB' } })).toEqual([]);
  });

  it('keeps the alert file inside the state folder', () => {
    expect(issuePaths({ alerts: { file: '../alerts.jsonl' } })).toEqual(['alerts.file']);
    expect(issuePaths({ alerts: { file: '/etc/cron.d/alerts' } })).toEqual(['alerts.file']);
    expect(issuePaths({ alerts: { file: '' } })).toEqual(['alerts.file']);
    expect(issuePaths({ alerts: { file: 'alerts/sla.jsonl' } })).toEqual([]);
    expect(issuePaths({ stateDir: '/srv/state', alerts: { file: '/srv/state/alerts.jsonl' } })).toEqual([]);
  });

  it('keeps the audit anchor outside the audit folder', () => {
    expect(
      issuePaths({
        stateDir: '/srv/state',
        governance: { auditAnchorFile: '/srv/state/audit/HEAD-copy.json' },
      }),
    ).toEqual(['governance.auditAnchorFile']);
    expect(
      issuePaths({
        governance: { audit: { kind: 'local', dir: '/srv/audit' }, auditAnchorFile: '/srv/audit/x.json' },
      }),
    ).toEqual(['governance.auditAnchorFile']);
    expect(
      issuePaths({ stateDir: '/srv/state', governance: { auditAnchorFile: '/mnt/worm/audit-head.json' } }),
    ).toEqual([]);
  });

  it('holds text and raw windows to the 12 months the spec fixes', () => {
    for (const months of [1, 11, 13, 24])
      expect(issuePaths({ governance: { retention: { textMonths: months, rawMonths: months } } })).toEqual([
        'governance.retention.textMonths',
        'governance.retention.rawMonths',
      ]);
    expect(issuePaths({ governance: { retention: { textMonths: 12, rawMonths: 12 } } })).toEqual([]);
  });

  it('names a retention table or kept table that the warehouse does not have', () => {
    expect(issuePaths({ governance: { retention: { tables: { fct_tickts: 18 } } } })).toEqual([
      'governance.retention.tables.fct_tickts',
    ]);
    expect(issuePaths({ governance: { retention: { tables: { landing_zendesk__tickts: 18 } } } })).toEqual([
      'governance.retention.tables.landing_zendesk__tickts',
    ]);
    expect(issuePaths({ governance: { retention: { keep: ['kpi_nothing'] } } })).toEqual([
      'governance.retention.keep.0',
    ]);
    expect(
      issuePaths({
        governance: { retention: { tables: { fct_tickets: 18, landing_zendesk__tickets: 18 } } },
      }),
    ).toEqual([]);
  });
});

describe('engine settings tried on DuckDB', () => {
  it('names a setting DuckDB refuses even when it got past the schema', async () => {
    // Prepare: values the schema would refuse, put in behind its back, to show DuckDB's own verdict
    const config = parseConfig({ engine: { kind: 'duckdb', database: ':memory:', memoryLimit: '1GB' } });
    const zoned = { ...config, desk: { ...config.desk, reportingTimeZone: 'Mars/Olympus' } };
    const starved = { ...config, engine: { ...config.engine, memoryLimit: '0GB' } };

    // Act
    const zoneError = await checkEngineSettings(zoned, 'test.json').catch((e: unknown) => e);
    const memoryError = await checkEngineSettings(starved, 'test.json').catch((e: unknown) => e);

    // Assess
    expect(zoneError).toBeInstanceOf(ConfigError);
    expect((zoneError as ConfigError).issues).toEqual([
      { path: 'desk.reportingTimeZone', message: expect.stringMatching(/DuckDB refuses "Mars\/Olympus"/) },
    ]);
    expect((memoryError as ConfigError).issues.map((i) => i.path)).toEqual(['engine.memoryLimit']);
    await expect(checkEngineSettings(config)).resolves.toBeUndefined();
  });
});
