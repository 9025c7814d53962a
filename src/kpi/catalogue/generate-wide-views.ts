/**
 * `npm run generate:wide-views`: writes the three KPI wide views from the catalogue into `sql/`
 * (checked in; `tests/kpi/catalogue/wide-views.test.ts` fails when one is not what this writes).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderWideViews } from './wide-views.ts';

const SQL_ROOT = new URL('../../../sql/', import.meta.url);

let changed = 0;
for (const view of renderWideViews()) {
  const file = fileURLToPath(new URL(view.path, SQL_ROOT));
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === view.sql) {
    console.log(`unchanged  sql/${view.path}`);
    continue;
  }
  writeFileSync(file, view.sql);
  changed += 1;
  console.log(`written    sql/${view.path}`);
}
console.log(`${changed} of 3 wide views rewritten from the KPI catalogue`);
