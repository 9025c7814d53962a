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
 * Node says a module is missing with an error code; bundlers that expand the template import into
 * a table of the known folders (esbuild for Lambda, Vite in tests) say it in the message instead.
 */
function isMissingModule(error: unknown): boolean {
  const { code, message } = error as NodeJS.ErrnoException;
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Unknown variable dynamic import|Could not resolve|Cannot find module|not found in bundle/i.test(
      message ?? '',
    )
  );
}

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
    if (isMissingModule(error)) throw new UnknownSourceError(source);
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
