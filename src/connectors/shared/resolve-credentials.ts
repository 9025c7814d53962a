import type { SourceEndpoint } from '#src/connectors/connector.ts';
import { ConfigError } from '#src/shared/config-error.ts';

/**
 * The base URL and credentials of a source: the caller's endpoint (the simulator) when given,
 * otherwise the config's `baseUrl` and the environment variables it names. Every missing piece is
 * reported at once, as a `ConfigError` naming the field, before any request or write.
 */
export function resolveEndpoint(options: {
  readonly source: string;
  readonly baseUrl: string | undefined;
  readonly override: SourceEndpoint | undefined;
  /** credential name → name of the config field holding the environment variable's name, and that name. */
  readonly credentialEnv: Readonly<Record<string, { readonly field: string; readonly envName: string }>>;
  readonly env: NodeJS.ProcessEnv;
}): SourceEndpoint {
  const { source, override } = options;
  if (override) {
    const missing = Object.keys(options.credentialEnv).filter((name) => !override.credentials[name]);
    if (missing.length > 0) {
      throw new ConfigError(
        `the ${source} endpoint override`,
        missing.map((name) => ({ path: `credentials.${name}`, message: 'missing' })),
      );
    }
    return override;
  }
  const issues: { path: string; message: string }[] = [];
  if (!options.baseUrl) {
    issues.push({
      path: `sources.${source}.baseUrl`,
      message: 'absent: set the API base URL, or run against the bundled simulator (`warehouse run`)',
    });
  }
  const credentials: Record<string, string> = {};
  for (const [name, { field, envName }] of Object.entries(options.credentialEnv)) {
    const value = options.env[envName];
    if (value === undefined || value.trim() === '') {
      issues.push({
        path: `sources.${source}.${field}`,
        message: `environment variable ${envName} is not set`,
      });
    } else {
      credentials[name] = value.trim();
    }
  }
  if (issues.length > 0) throw new ConfigError(`the ${source} source`, issues);
  return { baseUrl: options.baseUrl!, credentials };
}
