/**
 * One HTTP exchange as the raw layer keeps it: the request without its headers (so no credentials),
 * and the response body exactly as parsed from the wire. A raw page file holds one exchange per line.
 */
export interface RawExchange {
  readonly method: 'GET' | 'POST';
  /** Path and query string, relative to the source's base URL. */
  readonly path: string;
  readonly requestBody?: unknown;
  readonly status: number;
  readonly receivedAt: string;
  readonly body: unknown;
}
