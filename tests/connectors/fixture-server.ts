import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly at: number;
}

export interface FixtureResponse {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Send this text as is instead of JSON. */
  readonly text?: string;
  /** Never answer (the client's timeout must fire). */
  readonly hang?: boolean;
}

export interface FixtureServer {
  readonly url: string;
  readonly requests: FixtureRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 answering with documented API responses from a handler. */
export async function startFixtureServer(
  handler: (request: FixtureRequest) => FixtureResponse | Promise<FixtureResponse>,
): Promise<FixtureServer> {
  const requests: FixtureRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: FixtureRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
      at: performance.now(),
    };
    requests.push(request);
    const response = await handler(request);
    if (response.hang) return;
    res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...response.headers });
    res.end(response.text ?? JSON.stringify(response.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
