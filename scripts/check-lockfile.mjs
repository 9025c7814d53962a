#!/usr/bin/env node
// Fails when package-lock.json cannot install every platform with `npm ci`: each optional
// dependency a locked package declares (Biome's, DuckDB's, esbuild's per-platform binaries, ...)
// must be locked too. npm leaves out the entries the registry did not serve when the lock was
// written, and `npm ci` on another platform then stops with "Missing: ... from lock file".
import { readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const packages = lock.packages ?? {};

/** npm's resolution: the nearest node_modules folder up from the dependent holds the dependency. */
function resolves(dependent, name) {
  let at = dependent;
  for (;;) {
    if (packages[`${at ? `${at}/` : ''}node_modules/${name}`]) return true;
    if (!at) return false;
    const cut = at.lastIndexOf('/node_modules/');
    at = cut < 0 ? '' : at.slice(0, cut);
  }
}

const missing = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!resolves(path, name)) missing.push(`${path || '(root)'} → ${name}`);
  }
}
if (missing.length > 0) {
  console.error(
    `package-lock.json lacks ${missing.length} optional package(s) npm ci needs on some platform:`,
  );
  for (const line of missing) console.error(`  ${line}`);
  console.error('Regenerate it with `npm install` on a machine that reaches the registry, and commit it.');
  process.exit(1);
}
console.log(
  `package-lock.json: ${Object.keys(packages).length - 1} packages, every platform's optional binaries locked`,
);
