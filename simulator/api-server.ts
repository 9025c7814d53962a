import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Rng } from './prng.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { SimulatorConfig } from './simulator-config.ts';
import type { WorldClock } from './world-clock.ts';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RateLimitRule {
  readonly bucket: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** What differs between the two vendors: auth, limits, error bodies and routes. */
export interface ApiDialect {
  readonly name: 'zendesk' | 'hubspot';
  authenticate(req: ApiRequest): boolean;
  unauthorized(): ApiResponse;
  rateLimits(req: ApiRequest): readonly RateLimitRule[];
  rateLimited(rule: RateLimitRule, retryAfterS: number): ApiResponse;
  serverError(status: number): ApiResponse;
  route(req: ApiRequest): ApiResponse | null;
  notFound(req: ApiRequest): ApiResponse;
}

export interface RunningApi {
  readonly url: string;
  readonly requestCount: () => number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for('invalid-json');
  }
}

/**
 * A plain node:http server around one dialect: authentication, rate limits, the world clock
 * advancing per request, and the deterministic faults (5xx, slow answers, held requests).
 */
export async function startApiServer(
  dialect: ApiDialect,
  config: SimulatorConfig,
  clock: WorldClock,
  port: number,
): Promise<RunningApi> {
  const limiter = new RateLimiter();
  const held = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  let count = 0;
  const faults = config.faults;

  const send = (res: ServerResponse, answer: ApiResponse): void => {
    const payload = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...answer.headers,
    });
    res.end(payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const body = await readBody(req);
    const request: ApiRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    if (!dialect.authenticate(request)) return send(res, dialect.unauthorized());
    if (!config.fast) {
      for (const rule of dialect.rateLimits(request)) {
        const wait = limiter.take(rule.bucket, rule.limit, rule.windowMs);
        if (wait > 0) return send(res, dialect.rateLimited(rule, wait));
      }
    }
    const n = count++;
    if (faults.clockAdvanceSecondsPerRequest > 0) clock.advance(faults.clockAdvanceSecondsPerRequest * 1000);
    const rng = Rng.of(config.seed, 'fault', dialect.name, n);
    const roll = rng.next();
    let edge = faults.serverErrorRate;
    if (roll < edge) return send(res, dialect.serverError(rng.pick([500, 502, 503])));
    edge += faults.timeoutRate;
    if (roll < edge) {
      // Hold the request without answering: the client must time out and retry.
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    edge += faults.slowRate;
    const answer = dialect.route(request) ?? dialect.notFound(request);
    if (roll < edge) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send(res, answer);
      }, faults.slowMs);
      timers.add(timer);
      return;
    }
    send(res, answer);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, {
          status: 500,
          body: { error: 'SimulatorError', description: String((error as Error)?.stack ?? error) },
        });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${address.port}`,
    requestCount: () => count,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
