import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '#src/config/warehouse-config.ts';

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
