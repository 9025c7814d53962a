import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundle every Lambda handler the way the CDK app does (esbuild, ESM, minified, AWS SDK external)
 * and print its size. Fails when a bundle reaches 1 MB or when DuckDB (native, local engine only)
 * is reachable from a handler.
 *   npx tsx bench/bundle-size.ts
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const LIMIT = 1024 * 1024;
const handlers = readdirSync(`${root}functions`).filter((f) => f.endsWith('.ts'));
let failed = false;

console.log('handler               minified bytes   KiB    duckdb');
for (const file of handlers) {
  const result = await build({
    entryPoints: [`${root}functions/${file}`],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*', '@duckdb/node-api'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles.reduce((n, f) => n + f.contents.byteLength, 0);
  const duckdb = Object.values(result.metafile.inputs).some((input) =>
    input.imports.some((i) => i.path.startsWith('@duckdb/')),
  );
  const over = bytes >= LIMIT;
  failed ||= over || duckdb;
  console.log(
    `${file.replace('.ts', '').padEnd(20)}  ${String(bytes).padStart(14)}  ${(bytes / 1024).toFixed(0).padStart(5)}    ${duckdb ? 'IMPORTED (must not be)' : 'no'}${over ? '  OVER 1 MB' : ''}`,
  );
}
if (failed) {
  console.error('bundle-size: a handler is over 1 MB or reaches @duckdb/node-api');
  process.exitCode = 1;
}
