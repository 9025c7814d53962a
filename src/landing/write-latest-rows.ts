import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LandingStream, landingStreams } from './landing-schemas.ts';
import { latestRowsFile, latestRowsModel } from './latest-rows.ts';

/**
 * `npm run generate:landing`: write the latest-row model of every landing stream under
 * `sql/staging/<source>/generated/` and remove generated files no stream declares any more.
 */
const sqlDir = fileURLToPath(new URL('../../sql/', import.meta.url));
const streams = Object.values(landingStreams) as LandingStream[];
const wanted = new Set(streams.map(latestRowsFile));
for (const stream of streams) {
  const path = join(sqlDir, latestRowsFile(stream));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, latestRowsModel(stream));
}
for (const source of new Set(streams.map((s) => s.source))) {
  const folder = join(sqlDir, 'staging', source, 'generated');
  for (const name of readdirSync(folder)) {
    const file = `staging/${source}/generated/${name}`;
    if (!wanted.has(file)) rmSync(join(sqlDir, file));
  }
}
console.log(`wrote ${wanted.size} latest-row models under sql/staging/*/generated/`);
