import type { RawExchange } from '#src/connectors/shared/raw-exchange.ts';
import { type RequestPacer, sleep } from '#src/connectors/shared/request-pacer.ts';
import { backoffDelayMs, parseRetryAfterMs, type RetryPolicy } from '#src/connectors/shared/retry-policy.ts';
import { redactSecrets } from '#src/privacy/redact-secrets.ts';

/** Counters one stream keeps while it runs; the run manifest reports them. */
export interface RequestStats {
  requests: number;
  retries: number;
  rateLimited: number;
  bytes: number;
  /** Milliseconds spent waiting on client-side pacers (our own rate limiting, not the server's). */
  pacedMs: number;
}

export function emptyRequestStats(): RequestStats {
  return { requests: 0, retries: 0, rateLimited: 0, bytes: 0, pacedMs: 0 };
}

export type RetryEvent = {
  readonly kind: 'retry';
  readonly source: string;
  readonly path: string;
  readonly attempt: number;
  readonly reason: string;
  readonly waitMs: number;
};

export interface ApiRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  /** Every limit this request counts against. */
  readonly pacers: readonly RequestPacer[];
  readonly stats: RequestStats;
  readonly signal?: AbortSignal;
  /** Told about each retry (the runner turns it into a progress line of the stream). */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface ApiClientOptions {
  readonly source: string;
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Values that must never appear in an error or a log line. */
  readonly secrets: readonly string[];
  readonly retry: RetryPolicy;
  /** Source-specific advice appended to errors for a status code (e.g. which env var to check). */
  readonly hint?: (status: number) => string | undefined;
  readonly onRetry?: (event: RetryEvent) => void;
}

/** The source answered with an error that retrying will not fix (4xx other than 429). */
export class SourceRequestError extends Error {
  override readonly name = 'SourceRequestError';
  constructor(
    readonly source: string,
    readonly status: number,
    readonly path: string,
    detail: string,
    hint?: string,
  ) {
    super(`${source} ${path} answered HTTP ${status}: ${detail}.${hint ? ` ${hint}` : ''}`);
  }
}

/** Bounded retries are spent; the stream stops and keeps its last checkpoint. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly source: string,
    readonly path: string,
    readonly attempts: number,
    readonly lastFailure: string,
  ) {
    super(
      `${source} ${path} still failed after ${attempts} attempts (last: ${lastFailure}). ` +
        'The stream stopped at its last checkpoint; run the extraction again to continue from there.',
    );
  }
}

/**
 * HTTP for one source: auth headers, pacing under each documented limit, per-request timeouts,
 * Retry-After on 429, full-jitter exponential back-off on 5xx, timeouts and network errors.
 */
export class ApiClient {
  constructor(readonly options: ApiClientOptions) {}

  async request(request: ApiRequest): Promise<{ readonly json: unknown; readonly exchange: RawExchange }> {
    const { source, retry } = this.options;
    const path = withQuery(request.path, request.query);
    const url = new URL(
      path,
      this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`,
    );
    let failures = 0;
    let rateLimits = 0;
    for (;;) {
      request.signal?.throwIfAborted();
      for (const pacer of request.pacers) request.stats.pacedMs += await pacer.take(request.signal);
      request.stats.requests += 1;
      let failure: string;
      let waitMs: number;
      try {
        const response = await fetch(url, {
          method: request.method,
          headers: {
            accept: 'application/json',
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...this.options.headers,
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: timeoutSignal(retry.timeoutMs, request.signal),
        });
        const text = await response.text();
        const json = response.ok ? tryParseJson(text) : undefined;
        if (response.ok && json !== undefined) {
          request.stats.bytes += Buffer.byteLength(text);
          return {
            json,
            exchange: {
              method: request.method,
              path: `/${path}`,
              ...(request.body === undefined ? {} : { requestBody: request.body }),
              status: response.status,
              receivedAt: new Date().toISOString(),
              bodyText: text,
            },
          };
        }
        if (response.status === 429) {
          request.stats.rateLimited += 1;
          rateLimits += 1;
          const afterMs = parseRetryAfterMs(response.headers.get('retry-after')) ?? retry.defaultRetryAfterMs;
          for (const pacer of request.pacers) pacer.pauseFor(afterMs);
          if (rateLimits > retry.maxRateLimitRetries) {
            throw new RetriesExhaustedError(
              source,
              path,
              failures + rateLimits,
              'HTTP 429 Too Many Requests',
            );
          }
          request.stats.retries += 1;
          (request.onRetry ?? this.options.onRetry)?.({
            kind: 'retry',
            source,
            path,
            attempt: rateLimits,
            reason: 'HTTP 429',
            waitMs: afterMs,
          });
          // The pacers hold every caller until Retry-After has passed.
          continue;
        }
        if (response.ok) {
          // A 200 whose body does not parse was cut short on the way: worth another try.
          failure = 'HTTP 200 with a body that is not JSON';
          waitMs = backoffDelayMs(retry, failures);
        } else if (response.status < 500 && response.status !== 408) {
          throw new SourceRequestError(
            source,
            response.status,
            path,
            this.redact(excerpt(text)),
            this.options.hint?.(response.status),
          );
        } else {
          failure = `HTTP ${response.status} ${this.redact(excerpt(text, 160))}`;
          waitMs = parseRetryAfterMs(response.headers.get('retry-after')) ?? backoffDelayMs(retry, failures);
        }
      } catch (error) {
        if (error instanceof SourceRequestError || error instanceof RetriesExhaustedError) throw error;
        if (request.signal?.aborted) throw request.signal.reason;
        failure = describeNetworkError(error);
        waitMs = backoffDelayMs(retry, failures);
      }
      failures += 1;
      if (failures > retry.maxRetries) {
        throw new RetriesExhaustedError(source, path, failures + rateLimits, this.redact(failure));
      }
      request.stats.retries += 1;
      (request.onRetry ?? this.options.onRetry)?.({
        kind: 'retry',
        source,
        path,
        attempt: failures,
        reason: failure,
        waitMs,
      });
      await sleep(waitMs, request.signal);
    }
  }

  redact(text: string): string {
    return redactSecrets(text, this.options.secrets);
  }
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function withQuery(path: string, query?: Readonly<Record<string, string | number | undefined>>): string {
  if (!query) return path.replace(/^\//, '');
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const qs = params.toString();
  return `${path.replace(/^\//, '')}${qs ? `?${qs}` : ''}`;
}

function timeoutSignal(ms: number, outer?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return outer ? AbortSignal.any([timeout, outer]) : timeout;
}

function describeNetworkError(error: unknown): string {
  const e = error as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError') return 'timeout';
  if (e.name === 'AbortError') return 'aborted (timeout)';
  return `${e.name}: ${e.cause?.code ?? e.message}`;
}

function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || '(empty body)';
}
