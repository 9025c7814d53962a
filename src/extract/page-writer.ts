import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { LandingRow } from '#src/connectors/connector.ts';
import type { RawExchange } from '#src/connectors/shared/raw-exchange.ts';
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

export function landingKey(source: string, stream: string, extractDate: string, pageName: string): string {
  return `landing/${source}/${stream}/dt=${extractDate}/${pageName}.jsonl.gz`;
}

export function quarantineKey(source: string, stream: string, extractDate: string, pageName: string): string {
  return `quarantine/${source}/${stream}/dt=${extractDate}/${pageName}.jsonl.gz`;
}

const gzipAsync = promisify(gzip);

/** Compression runs on libuv's thread pool, so the next page's request proceeds meanwhile. */
async function jsonLinesGz(items: readonly unknown[]): Promise<Uint8Array> {
  const text = items.map((item) => JSON.stringify(item)).join('\n') + (items.length > 0 ? '\n' : '');
  return gzipAsync(Buffer.from(text), { level: 6 });
}

/**
 * Writes one page's objects: raw first (the audit copy), then one landing file per landing stream
 * that has rows, then quarantine. Each put is atomic; the caller advances the checkpoint only after
 * this resolves. Returns the compressed bytes written.
 */
export async function writePageObjects(store: ObjectStore, page: PageObjects): Promise<number> {
  const options = { contentType: 'application/gzip' };
  const { source, stream, extractDate, pageName } = page;
  const landing = [...page.landing].filter(([, rows]) => rows.length > 0);
  // Compress everything at once (thread pool), then write in the order that keeps raw first.
  const [raw, quarantine, ...landingBodies] = await Promise.all([
    jsonLinesGz(page.exchanges),
    page.quarantine.length > 0 ? jsonLinesGz(page.quarantine) : Promise.resolve(undefined),
    ...landing.map(([, rows]) => jsonLinesGz(rows)),
  ]);
  let bytes = 0;
  await store.put(rawKey(source, stream, extractDate, pageName), raw!, options);
  bytes += raw!.byteLength;
  for (const [i, [landingStream]] of landing.entries()) {
    const body = landingBodies[i]!;
    await store.put(landingKey(source, landingStream, extractDate, pageName), body, options);
    bytes += body.byteLength;
  }
  if (quarantine) {
    await store.put(quarantineKey(source, stream, extractDate, pageName), quarantine, options);
    bytes += quarantine.byteLength;
  }
  return bytes;
}
