import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxyAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface SourceProxy {
  readonly url: string;
  /** Requests forwarded (intercepted ones included). */
  readonly requests: () => number;
  /** Resolves once the proxy has died (after `dieAfter` requests). */
  readonly died: Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP proxy in front of a simulated source, to break it the ways real sources break:
 * `intercept` answers some requests itself (a CRM endpoint answering 404), and `dieAfter` makes the
 * source vanish mid-run — every open connection is destroyed and the port stops listening.
 */
export async function startSourceProxy(options: {
  readonly target: string;
  readonly intercept?: (method: string, path: string) => ProxyAnswer | undefined;
  readonly dieAfter?: number;
  /** Sees every request before it is answered (a connector's requests, to check them against limits). */
  readonly observe?: (request: { method: string; url: URL; body: string }) => void;
}): Promise<SourceProxy> {
  let count = 0;
  let dead = false;
  const sockets = new Set<Socket>();
  let markDied: () => void = () => undefined;
  const died = new Promise<void>((resolve) => {
    markDied = resolve;
  });
  const server = createServer(async (req: IncomingMessage, res) => {
    count += 1;
    if (options.dieAfter !== undefined && count > options.dieAfter) {
      die();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://proxy');
    options.observe?.({ method: req.method ?? 'GET', url, body: Buffer.concat(chunks).toString('utf8') });
    const intercepted = options.intercept?.(req.method ?? 'GET', url.pathname);
    if (intercepted) {
      res.writeHead(intercepted.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(intercepted.body));
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
      ),
    );
    const upstream = await fetch(`${options.target}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const text = await upstream.text();
    if (dead) return;
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
      ...(upstream.headers.get('retry-after') ? { 'retry-after': upstream.headers.get('retry-after')! } : {}),
    });
    res.end(text);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  function die(): void {
    if (dead) return;
    dead = true;
    server.close(() => markDied());
    for (const socket of sockets) socket.destroy();
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    died,
    close: async () => {
      if (!dead) {
        dead = true;
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        markDied();
      }
    },
  };
}
