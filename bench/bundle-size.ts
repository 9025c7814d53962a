import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleBudget, lambdaBundling } from '#infra/pipeline/lambda-bundling.ts';

/**
 * Bundle every Lambda handler the way the CDK app does (esbuild, ESM, minified, the locked AWS SDK
 * bundled in, DuckDB external) and print its size, the SDK's share and the time to load it (import
 * and top-level code, the part of a cold start the bundle decides). Fails when a bundle reaches
 * its budget (infra/pipeline/lambda-bundling.ts) or when DuckDB (native, local engine only) is
 * reachable from a handler. BUNDLE_SDK_EXTERNAL=1 measures the old setup (the runtime's SDK).
 *   npx tsx bench/bundle-size.ts
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const handlers = readdirSync(`${root}functions`).filter((f) => f.endsWith('.ts'));
let failed = false;

const out = mkdtempSync(join(root, '.bundle-size-'));
/** Median wall time of loading the bundle in a fresh Node process (import + top-level code), ms. */
function loadMs(file: string): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const script = `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t)`;
    times.push(
      Number(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], {
          env: { ...process.env, POWERTOOLS_METRICS_DISABLED: 'true', AWS_REGION: 'eu-west-1' },
        })
          .toString()
          .trim(),
      ),
    );
  }
  return times.sort((a, b) => a - b)[2]!;
}

console.log('handler               minified bytes   KiB   SDK KiB   load ms    duckdb');
for (const handlerFile of handlers) {
  const result = await build({
    entryPoints: [`${root}functions/${handlerFile}`],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    // BUNDLE_SDK_EXTERNAL=1: the old setup (the runtime's SDK), to see what bundling the SDK costs.
    external: [...lambdaBundling.externalModules, ...(process.env.BUNDLE_SDK_EXTERNAL ? ['@aws-sdk/*'] : [])],
    banner: { js: lambdaBundling.banner },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles.reduce((n, f) => n + f.contents.byteLength, 0);
  const duckdb = Object.values(result.metafile.inputs).some((input) =>
    input.imports.some((i) => i.path.startsWith('@duckdb/')),
  );
  const sdk = Object.entries(result.metafile.outputs)
    .flatMap(([, o]) => Object.entries(o.inputs))
    .filter(([path]) => /node_modules\/@(aws-sdk|smithy|aws-crypto)\//.test(path))
    .reduce((n, [, i]) => n + i.bytesInOutput, 0);
  const bundle = join(out, `${handlerFile.replace('.ts', '')}.mjs`);
  writeFileSync(bundle, result.outputFiles[0]!.contents);
  const ms = loadMs(bundle);
  const over = bytes > bundleBudget(handlerFile.replace('.ts', ''));
  failed ||= over || duckdb;
  console.log(
    `${handlerFile.replace('.ts', '').padEnd(20)}  ${String(bytes).padStart(14)}  ${(bytes / 1024).toFixed(0).padStart(5)}  ${(sdk / 1024).toFixed(0).padStart(8)}  ${ms.toFixed(0).padStart(8)}    ${duckdb ? 'IMPORTED (must not be)' : 'no'}${over ? '  OVER BUDGET' : ''}`,
  );
}
rmSync(out, { recursive: true, force: true });
if (failed) {
  console.error('bundle-size: a handler is over its budget or reaches @duckdb/node-api');
  process.exitCode = 1;
}
