/**
 * One HTTP exchange as the raw layer keeps it: the request without its headers (so no credentials),
 * and the response body exactly as the source sent it. A raw page file holds one exchange per line.
 */
export interface RawExchange {
  readonly method: 'GET' | 'POST';
  /** Path and query string, relative to the source's base URL. */
  readonly path: string;
  readonly requestBody?: unknown;
  readonly status: number;
  readonly receivedAt: string;
  /** The response body as received (JSON text). */
  readonly bodyText: string;
}

/**
 * The JSON line of an exchange: `{"method", "path", "requestBody"?, "status", "receivedAt", "body"}`
 * with `body` the response text spliced in unparsed. It is valid JSON already; a raw newline in
 * valid JSON can only be whitespace between tokens, so replacing it keeps the text one line and the
 * document the same.
 */
export function rawExchangeLine(exchange: RawExchange): string {
  const head = JSON.stringify({
    method: exchange.method,
    path: exchange.path,
    ...(exchange.requestBody === undefined ? {} : { requestBody: exchange.requestBody }),
    status: exchange.status,
    receivedAt: exchange.receivedAt,
  });
  const body = exchange.bodyText.includes('\n')
    ? exchange.bodyText.replace(/\r?\n/g, ' ')
    : exchange.bodyText;
  return `${head.slice(0, -1)},"body":${body.trim() || 'null'}}`;
}
