import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  emptyRequestStats,
  RetriesExhaustedError,
  type RetryEvent,
  SourceRequestError,
} from '#src/connectors/shared/api-client.ts';
import { RequestPacer } from '#src/connectors/shared/request-pacer.ts';
import { retryPolicySchema } from '#src/connectors/shared/retry-policy.ts';
import {
  type FixtureResponse,
  type FixtureServer,
  startFixtureServer,
} from '#tests/connectors/fixture-server.ts';

const TOKEN = 'sekret-token-123456';
let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function clientFor(url: string, overrides: Record<string, number> = {}, onRetry?: (e: RetryEvent) => void) {
  return new ApiClient({
    source: 'test',
    baseUrl: url,
    headers: { authorization: `Bearer ${TOKEN}` },
    secrets: [TOKEN],
    retry: retryPolicySchema.parse({
      baseDelayMs: 5,
      maxDelayMs: 20,
      timeoutMs: 300,
      maxRetries: 3,
      ...overrides,
    }),
    hint: (status) => (status === 401 ? 'Check TEST_TOKEN.' : undefined),
    onRetry,
  });
}

function scripted(responses: FixtureResponse[]) {
  let i = 0;
  return () => responses[Math.min(i++, responses.length - 1)]!;
}

describe('ApiClient', () => {
  it('sends the auth header and returns the parsed body with an exchange that holds no header', async () => {
    // Prepare
    server = await startFixtureServer(() => ({ body: { tickets: [{ id: 1 }] } }));
    const stats = emptyRequestStats();
    // Act
    const { json, exchange } = await clientFor(server.url).request({
      method: 'GET',
      path: '/api/v2/x.json',
      query: { start_time: 10, cursor: undefined },
      pacers: [],
      stats,
    });
    // Assess
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests[0]!.url.search).toBe('?start_time=10');
    expect(json).toEqual({ tickets: [{ id: 1 }] });
    expect(exchange.path).toBe('/api/v2/x.json?start_time=10');
    expect(JSON.stringify(exchange)).not.toContain(TOKEN);
    expect(stats).toMatchObject({ requests: 1, retries: 0, rateLimited: 0 });
  });

  it('waits for Retry-After after a 429 before asking again', async () => {
    server = await startFixtureServer(
      scripted([
        { status: 429, headers: { 'retry-after': '1' }, body: { error: 'APIRateLimitExceeded' } },
        { body: { ok: 1 } },
      ]),
    );
    const stats = emptyRequestStats();
    const pacer = new RequestPacer('test', 100, 1000);
    await clientFor(server.url).request({ method: 'GET', path: '/x', pacers: [pacer], stats });
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
    expect(stats).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('retries 5xx answers, timeouts and bodies cut short, then succeeds', async () => {
    server = await startFixtureServer(
      scripted([
        { status: 503, body: { error: 'down' } },
        { hang: true },
        { text: '{"tickets": [' },
        { body: { ok: true } },
      ]),
    );
    const events: RetryEvent[] = [];
    const stats = emptyRequestStats();
    const { json } = await clientFor(server.url, {}, (e) => events.push(e)).request({
      method: 'GET',
      path: '/x',
      pacers: [],
      stats,
    });
    expect(json).toEqual({ ok: true });
    expect(events.map((e) => e.reason)).toEqual([
      'HTTP 503 {"error":"down"}',
      'timeout',
      'HTTP 200 with a body that is not JSON',
    ]);
    expect(stats.retries).toBe(3);
  });

  it('fails with RetriesExhaustedError after the bounded retries, naming the last failure but no secret', async () => {
    server = await startFixtureServer(() => ({ status: 500, body: { error: `boom ${TOKEN}` } }));
    const error = await clientFor(server.url, { maxRetries: 2 })
      .request({ method: 'GET', path: '/x', pacers: [], stats: emptyRequestStats() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as Error).message).toContain(
      'after 3 attempts (last: HTTP 500 {"error":"boom [redacted]"})',
    );
    expect((error as Error).message).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 401 and says what to check, with the echoed token redacted', async () => {
    server = await startFixtureServer(() => ({ status: 401, body: { error: `bad token ${TOKEN}` } }));
    const error = await clientFor(server.url)
      .request({ method: 'GET', path: '/x', pacers: [], stats: emptyRequestStats() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceRequestError);
    expect((error as Error).message).toContain('HTTP 401');
    expect((error as Error).message).toContain('Check TEST_TOKEN.');
    expect((error as Error).message).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(1);
  });

  it('stops waiting at once when the caller aborts during a back-off', async () => {
    server = await startFixtureServer(() => ({ status: 503 }));
    const controller = new AbortController();
    const error = await clientFor(server.url, { baseDelayMs: 60_000, maxDelayMs: 60_000 }, () =>
      controller.abort(new Error('stop now')),
    )
      .request({
        method: 'GET',
        path: '/x',
        pacers: [],
        stats: emptyRequestStats(),
        signal: controller.signal,
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('stop now');
    expect(server.requests).toHaveLength(1);
  });
});
