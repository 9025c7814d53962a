import type { SourceEndpoint, StreamContext } from '#src/connectors/connector.ts';
import { ApiClient } from '#src/connectors/shared/api-client.ts';
import type { RawExchange } from '#src/connectors/shared/raw-exchange.ts';
import { RequestPacer } from '#src/connectors/shared/request-pacer.ts';
import type { ZendeskConfig } from '#src/connectors/zendesk/zendesk-config.ts';

/** Incremental exports have their own, much lower limit than the rest of the API. */
export type ZendeskEndpointClass = 'incremental' | 'api';

/**
 * HTTP for the ticket desk: `email/token` Basic auth (or an OAuth bearer token), paced under the
 * incremental-export limit and the account limit, with the shared retry policy.
 */
export class ZendeskClient {
  private readonly api: ApiClient;
  private readonly accountPacer: RequestPacer;
  private readonly incrementalPacer: RequestPacer;

  constructor(
    readonly config: ZendeskConfig,
    endpoint: SourceEndpoint,
  ) {
    const email = endpoint.credentials.email ?? '';
    const token = endpoint.credentials.token ?? '';
    const authorization =
      config.authScheme === 'bearer'
        ? `Bearer ${token}`
        : `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`;
    this.api = new ApiClient({
      source: 'zendesk',
      baseUrl: endpoint.baseUrl,
      headers: { authorization },
      secrets: [token, `${email}/token:${token}`],
      retry: config.retry,
      hint: (status) =>
        status === 401 || status === 403
          ? `Check the agent e-mail in ${config.emailEnv} and the API token in ${config.tokenEnv} (an admin's token is needed for incremental exports).`
          : status === 404
            ? 'Check sources.zendesk.baseUrl (https://<subdomain>.zendesk.com).'
            : undefined,
    });
    this.accountPacer = new RequestPacer('zendesk account', config.apiRequestsPerMinute, 60_000);
    this.incrementalPacer = new RequestPacer('zendesk incremental', config.requestsPerMinute, 60_000);
  }

  get secrets(): readonly string[] {
    return this.api.options.secrets;
  }

  async get(
    path: string,
    query: Readonly<Record<string, string | number | undefined>>,
    endpointClass: ZendeskEndpointClass,
    context: StreamContext,
  ): Promise<{ json: unknown; exchange: RawExchange }> {
    return this.api.request({
      method: 'GET',
      path,
      query,
      pacers:
        endpointClass === 'incremental' ? [this.incrementalPacer, this.accountPacer] : [this.accountPacer],
      stats: context.stats,
      signal: context.signal,
      onRetry: context.onRetry,
    });
  }
}
