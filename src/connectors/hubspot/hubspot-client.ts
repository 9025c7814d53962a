import type { SourceEndpoint, StreamContext } from '#src/connectors/connector.ts';
import type { HubspotConfig } from '#src/connectors/hubspot/hubspot-config.ts';
import { ApiClient } from '#src/connectors/shared/api-client.ts';
import type { RawExchange } from '#src/connectors/shared/raw-exchange.ts';
import { RequestPacer } from '#src/connectors/shared/request-pacer.ts';

/** The search endpoints have their own per-second limit on top of the app's 10-second limit. */
export type HubspotEndpointClass = 'search' | 'api';

/** HTTP for the CRM: private-app bearer token, paced under both documented limits, shared retries. */
export class HubspotClient {
  private readonly api: ApiClient;
  private readonly appPacer: RequestPacer;
  private readonly searchPacer: RequestPacer;

  constructor(
    readonly config: HubspotConfig,
    endpoint: SourceEndpoint,
  ) {
    const token = endpoint.credentials.token ?? '';
    this.api = new ApiClient({
      source: 'hubspot',
      baseUrl: endpoint.baseUrl,
      headers: { authorization: `Bearer ${token}` },
      secrets: [token],
      retry: config.retry,
      hint: (status) =>
        status === 401 || status === 403
          ? `Check the private-app access token in ${config.tokenEnv} and its scopes (crm.objects.contacts.read, feedback submissions read).`
          : undefined,
    });
    this.appPacer = new RequestPacer('hubspot app', config.requestsPer10s, 10_000);
    this.searchPacer = new RequestPacer('hubspot search', config.searchRequestsPerSecond, 1_000);
  }

  get secrets(): readonly string[] {
    return this.api.options.secrets;
  }

  async get(
    path: string,
    query: Readonly<Record<string, string | number | undefined>>,
    context: StreamContext,
  ): Promise<{ json: unknown; exchange: RawExchange }> {
    return this.api.request({
      method: 'GET',
      path,
      query,
      pacers: [this.appPacer],
      stats: context.stats,
      signal: context.signal,
      onRetry: context.onRetry,
    });
  }

  async post(
    path: string,
    body: unknown,
    endpointClass: HubspotEndpointClass,
    context: StreamContext,
  ): Promise<{ json: unknown; exchange: RawExchange }> {
    return this.api.request({
      method: 'POST',
      path,
      body,
      pacers: endpointClass === 'search' ? [this.searchPacer, this.appPacer] : [this.appPacer],
      stats: context.stats,
      signal: context.signal,
      onRetry: context.onRetry,
    });
  }
}
