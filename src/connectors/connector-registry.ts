import type { Connector } from '#src/connectors/connector.ts';

/** No connector folder for a configured source. */
export class UnknownSourceError extends Error {
  override readonly name = 'UnknownSourceError';
  constructor(readonly source: string) {
    super(
      `No connector for source "${source}": expected src/connectors/${source}/${source}-connector.ts exporting \`connector\`.`,
    );
  }
}

const loaded = new Map<string, Connector>();

/**
 * The connector of a source, found by convention: `src/connectors/<source>/<source>-connector.ts`.
 * Adding a source is adding that folder. The template import lets esbuild bundle every connector
 * folder for Lambda without a list to maintain.
 */
export async function loadConnector(source: string): Promise<Connector> {
  const cached = loaded.get(source);
  if (cached) return cached;
  if (!/^[a-z][a-z0-9_-]*$/.test(source)) throw new UnknownSourceError(source);
  let mod: { connector?: Connector };
  try {
    mod = (await import(`./${source}/${source}-connector.ts`)) as { connector?: Connector };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new UnknownSourceError(source);
    throw error;
  }
  if (!mod.connector || mod.connector.source !== source) throw new UnknownSourceError(source);
  loaded.set(source, mod.connector);
  return mod.connector;
}

/** Sources that have a configuration section, in configuration order. */
export function configuredSources(sources: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(sources)
    .filter(([, section]) => section !== undefined && section !== null)
    .map(([name]) => name);
}
