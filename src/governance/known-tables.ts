import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type LandingStream, landingStreams } from '#src/landing/landing-schemas.ts';
import { DEFAULT_MODELS_DIR } from '#src/models/load-models.ts';

/**
 * The table names a configuration may refer to: every landing stream table
 * (`landing_zendesk__tickets`) and every SQL model (`fct_tickets`, from the file names under
 * `sql/`, or `WAREHOUSE_SQL_ROOT` where the models are bundled elsewhere). `models` is undefined
 * where no model folder ships (an extract-only Lambda): model names are then not checked there.
 */
export function knownTableNames(env: NodeJS.ProcessEnv = process.env): {
  readonly landing: ReadonlySet<string>;
  readonly models?: ReadonlySet<string>;
} {
  const landing = new Set(
    Object.values(landingStreams as Record<string, LandingStream>).map(
      (s) => `landing_${s.source}__${s.stream}`,
    ),
  );
  const dir = env.WAREHOUSE_SQL_ROOT ?? DEFAULT_MODELS_DIR;
  try {
    return { landing, models: new Set(sqlFileNames(dir)) };
  } catch {
    return { landing };
  }
}

let cached: ReturnType<typeof knownTableNames> | undefined;
function cachedKnownTableNames(): ReturnType<typeof knownTableNames> {
  cached ??= knownTableNames();
  return cached;
}

/** Whether `name` is a table the warehouse has (see knownTableNames; read once per process). */
export function isKnownTable(name: string, known = cachedKnownTableNames()): boolean {
  if (known.landing.has(name)) return true;
  if (name.startsWith('landing_')) return false;
  return known.models ? known.models.has(name) : true;
}

function sqlFileNames(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...sqlFileNames(join(dir, entry.name)));
    else if (entry.isFile() && entry.name.endsWith('.sql')) out.push(basename(entry.name, '.sql'));
  }
  return out;
}
