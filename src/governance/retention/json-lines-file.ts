import { gunzipSync, gzipSync } from 'node:zlib';
import type { ObjectStore } from '#src/stores/object-store.ts';

/** A lake object retention could not read: named, moved aside, and skipped. */
export interface DamagedFile {
  readonly key: string;
  /** Where it was moved (`quarantine/damaged/<key>`); undefined on a dry run or when deleted. */
  readonly movedTo?: string;
  readonly reason: string;
  /** `quarantined`, or `deleted` when its extraction date alone puts every record past the window. */
  readonly action: 'quarantined' | 'deleted' | 'would_quarantine' | 'would_delete';
}

export const DAMAGED_PREFIX = 'quarantine/damaged/';

/** The object as JSON lines, or the reason it cannot be read (truncated gzip, broken JSON). */
export async function readJsonLines(
  store: ObjectStore,
  key: string,
): Promise<{ records: unknown[] } | { damaged: string } | undefined> {
  const body = await store.get(key);
  if (!body) return undefined;
  let text: string;
  try {
    text = (key.endsWith('.gz') ? gunzipSync(body) : Buffer.from(body)).toString('utf8');
  } catch (error) {
    return { damaged: (error as Error).message };
  }
  const records: unknown[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      return { damaged: `line ${index + 1}: ${(error as Error).message}` };
    }
  }
  return { records };
}

export async function writeJsonLines(store: ObjectStore, key: string, records: readonly unknown[]) {
  const text = `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
  if (key.endsWith('.gz')) await store.put(key, gzipSync(text), { contentEncoding: 'gzip' });
  else await store.put(key, text);
}

/** Move a damaged object under `quarantine/damaged/` (same bytes), so readers skip it and an operator can look. */
export async function quarantineDamaged(
  store: ObjectStore,
  key: string,
  reason: string,
  dryRun: boolean,
): Promise<DamagedFile> {
  const movedTo = `${DAMAGED_PREFIX}${key}`;
  if (dryRun) return { key, movedTo, reason, action: 'would_quarantine' };
  const body = await store.get(key);
  if (body) await store.put(movedTo, body);
  await store.delete([key]);
  return { key, movedTo, reason, action: 'quarantined' };
}
