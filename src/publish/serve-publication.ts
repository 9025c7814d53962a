import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CURRENT_POINTER_KEY,
  DASHBOARD_FILE,
  DICTIONARY_FILE,
  PUBLICATIONS_PREFIX,
  PUBLISHED_ROOT,
} from '#src/publish/publication-manifest.ts';
import {
  NoPublicationError,
  readCurrentPointer,
  readCurrentPublication,
} from '#src/publish/read-publication.ts';
import { assertValidKey, InvalidObjectKeyError } from '#src/stores/object-key.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

export interface ServePublicationOptions {
  readonly store: ObjectStore;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Loopback only unless asked otherwise: the published files are for this machine's user. @default '127.0.0.1' */
  readonly host?: string;
}

export interface RunningPublicationServer {
  readonly url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

/**
 * Serve the published folder read-only over HTTP:
 * - `/` the current publication's dashboard, `/current/<path>` any file of it, also one its
 *   manifest reuses from an earlier publication's folder (both resolve `CURRENT.json` on every
 *   request, so a reload after a switch shows the new publication whole);
 * - `/CURRENT.json` the pointer, `/publications/<run id>/<path>` any kept publication.
 */
export async function servePublication(options: ServePublicationOptions): Promise<RunningPublicationServer> {
  const { store } = options;
  const server = createServer((request, response) => {
    handle(store, request, response).catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, 'text/plain; charset=utf-8', `${(error as Error).message}\n`);
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(store: ObjectStore, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, 405, 'text/plain; charset=utf-8', 'read-only\n');
    return;
  }
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  let key: string | undefined;
  if (path === '/' || path === '/index.html' || path === '/dictionary.html' || path.startsWith('/current/')) {
    const pointer = await readCurrentPointer(store);
    if (!pointer) {
      send(response, 404, 'text/plain; charset=utf-8', `${new NoPublicationError().message}\n`);
      return;
    }
    key = path.startsWith('/current/')
      ? `${pointer.prefix}${path.slice('/current/'.length)}`
      : path === '/dictionary.html'
        ? `${pointer.prefix}${DICTIONARY_FILE}`
        : `${pointer.prefix}${DASHBOARD_FILE}`;
  } else if (path === '/CURRENT.json') {
    key = CURRENT_POINTER_KEY;
  } else if (path.startsWith('/publications/')) {
    key = `${PUBLICATIONS_PREFIX}${path.slice('/publications/'.length)}`;
  }
  if (!key || !isServable(key)) {
    send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
    return;
  }
  let body = await store.get(key);
  if (!body && path.startsWith('/current/')) {
    // An unchanged partition's file lives in the folder of the publication that wrote it.
    const current = await readCurrentPublication(store).catch(() => undefined);
    const relative = path.slice('/current/'.length);
    const file = current?.manifest.tables
      .flatMap((t) => [...t.parquet, ...t.csv])
      .find((f) => f.path === relative && f.publication);
    if (current && file) body = await store.get(current.fileKey(file));
  }
  if (!body) {
    send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
    return;
  }
  const extension = key.slice(key.lastIndexOf('.') + 1);
  send(
    response,
    200,
    CONTENT_TYPES[extension] ?? 'application/octet-stream',
    body,
    request.method === 'HEAD',
  );
}

/** Only keys of the published area, and no key that could climb out of it. */
function isServable(key: string): boolean {
  try {
    assertValidKey(key);
  } catch (error) {
    if (error instanceof InvalidObjectKeyError) return false;
    throw error;
  }
  return key.startsWith(`${PUBLISHED_ROOT}/`) && !key.includes('/_staging/');
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string | Uint8Array,
  headOnly = false,
): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    // The pointer moves: never let a browser keep a stale dashboard or pointer.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(headOnly ? undefined : body);
}
