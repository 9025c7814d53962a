import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The layer rules of `.dependency-cruiser.cjs` (what `npm run depcruise` checks in CI), run by
 * dependency-cruiser itself over small trees shaped like the repository: each fault the rules exist
 * for is committed once and must be named, and a tree that only imports downwards must pass.
 */
const rules = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as {
  forbidden: IForbiddenRuleType[];
  options: { parser: 'swc' };
};

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** Write `files` (path → source) into a fresh folder and cruise it with the project's rules. */
async function cruiseTree(files: Record<string, string>): Promise<string[]> {
  root = await mkdtemp(join(tmpdir(), 'layer-rules-'));
  for (const [path, source] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), source);
  }
  const result = await cruise(
    ['src', 'simulator'].filter((top) => Object.keys(files).some((p) => p.startsWith(`${top}/`))),
    {
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: rules.forbidden },
      tsPreCompilationDeps: true,
      parser: rules.options.parser,
      doNotFollow: { path: 'node_modules' },
    },
    { extensions: ['.ts'] },
  );
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('the layer rules', () => {
  it('pass a tree whose imports all point down', async () => {
    // Prepare
    const files = {
      'src/shared/config-error.ts': 'export class ConfigError extends Error {}\n',
      'src/engines/engine-config.ts':
        "import { ConfigError } from '../shared/config-error.ts';\nexport const e = ConfigError;\n",
      'src/config/warehouse-config.ts':
        "import { e } from '../engines/engine-config.ts';\nexport const c = e;\n",
      'src/cli/main.ts': "import { c } from '../config/warehouse-config.ts';\nexport const m = c;\n",
    };
    // Act
    const violations = await cruiseTree(files);
    // Assess
    expect(violations).toEqual([]);
  });

  it('name a module that imports a layer above its own', async () => {
    // Prepare: an engine that reads the composed configuration
    const files = {
      'src/config/warehouse-config.ts': 'export type WarehouseConfig = { stateDir: string };\n',
      'src/engines/query-engine.ts':
        "import type { WarehouseConfig } from '../config/warehouse-config.ts';\nexport type E = WarehouseConfig;\n",
    };
    // Act
    const violations = await cruiseTree(files);
    // Assess
    expect(violations).toContain(
      'no-upward-import-from-engines: src/engines/query-engine.ts → src/config/warehouse-config.ts',
    );
    expect(violations).toContain(
      'composed-config-only-at-the-top: src/engines/query-engine.ts → src/config/warehouse-config.ts',
    );
  });

  it('name an import cycle inside one folder, and a driver that imports its engine', async () => {
    // Prepare
    const files = {
      'src/engines/duckdb/duckdb-engine.ts':
        "import { D } from './duckdb-dialect.ts';\nexport class E { d = D; }\n",
      'src/engines/duckdb/duckdb-dialect.ts':
        "import type { E } from './duckdb-engine.ts';\nexport const D = 1 as unknown as E;\n",
    };
    // Act
    const violations = await cruiseTree(files);
    // Assess
    expect(violations.some((v) => v.startsWith('no-circular:'))).toBe(true);
    expect(violations).toContain(
      'drivers-never-import-engines: src/engines/duckdb/duckdb-dialect.ts → src/engines/duckdb/duckdb-engine.ts',
    );
  });

  it('name production code that imports tests or the simulator, and a folder without a layer', async () => {
    // Prepare
    const files = {
      'tests/helpers/world.ts': 'export const world = 1;\n',
      'simulator/prng.ts': 'export const seed = 1;\n',
      'src/newfolder/thing.ts': 'export const thing = 1;\n',
      'src/extract/run-extraction.ts':
        "import { world } from '../../tests/helpers/world.ts';\nimport { seed } from '../../simulator/prng.ts';\nimport { thing } from '../newfolder/thing.ts';\nexport const r = world + seed + thing;\n",
    };
    // Act
    const violations = await cruiseTree(files);
    // Assess
    expect(violations).toEqual(
      expect.arrayContaining([
        'src-never-imports-tools-or-tests: src/extract/run-extraction.ts → tests/helpers/world.ts',
        'src-starts-the-simulator-only-from-the-composition-root: src/extract/run-extraction.ts → simulator/prng.ts',
        'src-modules-used-have-a-layer: src/extract/run-extraction.ts → src/newfolder/thing.ts',
      ]),
    );
  });
});
