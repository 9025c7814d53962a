import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import type { SourceEndpoint } from '#src/connectors/connector.ts';

export interface EmbeddedSimulator {
  /** Base URL and credentials for each source the simulator serves. */
  readonly endpoints: Record<string, SourceEndpoint>;
  /**
   * The configuration to extract with: in fast mode the simulator has no rate limits, so every
   * client-side pacer of the connectors (set to the vendors' documented limits) is lifted too;
   * in realistic mode they all stay.
   */
  readonly config: WarehouseConfig;
  /** The simulated desk's "now": KPIs, SLA states and extract dates follow the world's clock. */
  readonly now: () => Date;
  readonly description: string;
  close(): Promise<void>;
}

/** Requests per window high enough that pacing never waits (the fast simulator answers at once). */
const UNPACED = 1_000_000;

/** Sources that are configured without a base URL: the bundled simulator serves them. */
export function sourcesWithoutBaseUrl(config: WarehouseConfig, only?: readonly string[]): string[] {
  const sources = config.sources as Record<string, { baseUrl?: string } | undefined>;
  return Object.keys(sources).filter(
    (name) =>
      sources[name] !== undefined && sources[name].baseUrl === undefined && (!only || only.includes(name)),
  );
}

/**
 * Start the bundled simulator for the sources configured without a base URL (the embedded
 * default), or return undefined when every selected source points at a real account.
 */
export async function startEmbeddedSimulator(
  config: WarehouseConfig,
  only?: readonly string[],
): Promise<EmbeddedSimulator | undefined> {
  const needs = sourcesWithoutBaseUrl(config, only);
  if (needs.length === 0) return undefined;
  const { startSimulator } = await import('#simulator/start-simulator.ts');
  const sim = await startSimulator(config.simulator);
  const endpoints: Record<string, SourceEndpoint> = {};
  if (needs.includes('zendesk'))
    endpoints.zendesk = {
      baseUrl: sim.zendeskUrl,
      credentials: { email: sim.credentials.zendeskEmail, token: sim.credentials.zendeskToken },
    };
  if (needs.includes('hubspot'))
    endpoints.hubspot = { baseUrl: sim.hubspotUrl, credentials: { token: sim.credentials.hubspotToken } };

  const { zendesk, hubspot } = config.sources;
  const effective: WarehouseConfig = config.simulator.fast
    ? {
        ...config,
        sources: {
          ...config.sources,
          zendesk:
            zendesk && needs.includes('zendesk')
              ? { ...zendesk, requestsPerMinute: UNPACED, apiRequestsPerMinute: UNPACED }
              : zendesk,
          hubspot:
            hubspot && needs.includes('hubspot')
              ? { ...hubspot, requestsPer10s: UNPACED, searchRequestsPerSecond: UNPACED }
              : hubspot,
        },
      }
    : config;
  const s = config.simulator;
  return {
    endpoints,
    config: effective,
    now: () => sim.clock.now(),
    description:
      `${needs.join(' and ')} served by the bundled simulator at ${[sim.zendeskUrl, sim.hubspotUrl].join(', ')} ` +
      `(seed ${s.seed}, ${s.days} days × ${s.ticketsPerDay} tickets/day up to ${sim.clock.now().toISOString()}` +
      `${s.fast ? ', fast mode: no rate limits' : ', realistic rate limits'})`,
    close: () => sim.close(),
  };
}
