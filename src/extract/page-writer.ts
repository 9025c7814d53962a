import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { LandingRow } from '#src/connectors/connector.ts';
import { type RawExchange, rawExchangeLine } from '#src/connectors/shared/raw-exchange.ts';
import { landingKey } from '#src/landing/landing-keys.ts';
import type { LandingStreamName } from '#src/landing/landing-schemas.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

export interface QuarantineRow {
  readonly reason: string;
  readonly source: string;
  readonly stream: string;
  /** The raw page the record came from. */
  readonly page_key: string;
  readonly record: unknown;
}

export interface PageObjects {
  readonly source: string;
  readonly stream: string;
  readonly extractDate: string;
  /** `<run id>-<page sequence>`. */
  readonly pageName: string;
  readonly exchanges: readonly RawExchange[];
  readonly landing: ReadonlyMap<LandingStreamName, readonly LandingRow[]>;
  readonly quarantine: readonly QuarantineRow[];
}

export function rawKey(source: string, stream: string, extractDate: string, pageName: string): string {
  return `raw/${source}/${stream}/dt=${extractDate}/${pageName}.jsonl.gz`;
}

export function quarantineKey(source: string, stream: string, extractDate: string, pageName: string): string {
  return `quarantine/${source}/${stream}/dt=${extractDate}/${pageName}.jsonl.gz`;
}

const gzipAsync = promisify(gzip);

/** Compression runs on libuv's thread pool, so the next page's request proceeds meanwhile. */
async function jsonLinesGz(
  items: readonly unknown[],
  toLine: (item: never) => string = JSON.stringify,
): Promise<Uint8Array> {
  const text = items.map((item) => toLine(item as never)).join('\n') + (items.length > 0 ? '\n' : '');
  // Level 3: most of level 6's ratio on JSON for a third of the CPU.
  // One large output chunk: the default 16 KiB chunks cost a main-thread callback each.
  return gzipAsync(Buffer.from(text), { level: 3 });
}

/**
 * Writes one page's objects: the raw page (the audit copy), one landing file per landing stream
 * that has rows, and the quarantine file. Each put is atomic and durable, and they run side by side
 * (their fsyncs overlap); the caller advances the checkpoint only after all of them resolved.
 * Returns the compressed bytes written.
 */
export async function writePageObjects(store: ObjectStore, page: PageObjects): Promise<number> {
  const options = { contentType: 'application/gzip' };
  const { source, stream, extractDate, pageName } = page;
  const objects: [string, Promise<Uint8Array>][] = [
    [rawKey(source, stream, extractDate, pageName), jsonLinesGz(page.exchanges, rawExchangeLine)],
  ];
  for (const [landingStream, rows] of page.landing) {
    if (rows.length > 0)
      objects.push([landingKey(source, landingStream, extractDate, pageName), jsonLinesGz(rows)]);
  }
  if (page.quarantine.length > 0) {
    objects.push([quarantineKey(source, stream, extractDate, pageName), jsonLinesGz(page.quarantine)]);
  }
  const sizes = await Promise.all(
    objects.map(async ([key, body]) => {
      const bytes = await body;
      await store.put(key, bytes, options);
      return bytes.byteLength;
    }),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
