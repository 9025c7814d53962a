import type { ObjectStore } from '#src/stores/object-store.ts';
import {
  DAMAGED_PREFIX,
  type DamagedFile,
  quarantineDamaged,
  readJsonLines,
  writeJsonLines,
} from './json-lines-file.ts';
import { type HeldSet, referencesHeld } from './legal-holds.ts';
import { recordDate } from './record-date.ts';
import { partitionEnd } from './retention-window.ts';

export interface RawFilesResult {
  readonly filesDeleted: number;
  readonly filesRewritten: number;
  readonly recordsRemoved: number;
  readonly filesKeptForHold: number;
  readonly damaged: readonly DamagedFile[];
}

/**
 * Raw API pages judged by the business date of the records they carry, not by the day they were
 * extracted: in every page (`{ method, path, …, body }` per line), each array of records under
 * `body` keeps only the records dated within the window (or held); a record without a date of its
 * own is dated by its page's extraction day. A page left without records goes; a file left without
 * pages is deleted, otherwise rewritten. A file that cannot be read is deleted when its extraction
 * day is already past the window (every record in it is older still), else named and moved to
 * `quarantine/damaged/`.
 */
export async function expireRawFiles(input: {
  readonly store: ObjectStore;
  readonly keys: readonly string[];
  readonly cutoff: Date;
  readonly held: HeldSet;
  readonly dryRun: boolean;
}): Promise<RawFilesResult> {
  const { store, cutoff, held, dryRun } = input;
  let filesDeleted = 0;
  let filesRewritten = 0;
  let recordsRemoved = 0;
  let filesKeptForHold = 0;
  const damaged: DamagedFile[] = [];
  for (const key of input.keys) {
    const end = partitionEnd(key);
    // The extraction day's start: no record in the page is newer than the moment it was fetched.
    const pageDate = end ? new Date(end.getTime() - 86_400_000) : undefined;
    const read = await readJsonLines(store, key);
    if (!read) continue;
    if ('damaged' in read) {
      if (end && end <= cutoff) {
        if (!dryRun) await store.delete([key]);
        damaged.push({ key, reason: read.damaged, action: dryRun ? 'would_delete' : 'deleted' });
        filesDeleted += 1;
      } else if (key.startsWith(DAMAGED_PREFIX)) {
        // Already set aside: it stays there, named, until its day is past the window.
        damaged.push({ key, reason: read.damaged, action: 'quarantined', movedTo: key });
      } else damaged.push(await quarantineDamaged(store, key, read.damaged, dryRun));
      continue;
    }
    let removed = 0;
    let heldKept = false;
    const kept: unknown[] = [];
    for (const page of read.records) {
      const body = (page as { body?: unknown }).body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        // No records to judge one by one: the page's own day decides.
        if (!end || end > cutoff || referencesHeld(page, held)) kept.push(page);
        else removed += 1;
        continue;
      }
      let records = 0;
      let left = 0;
      const filtered: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
        if (!Array.isArray(value) || !value.some((v) => v !== null && typeof v === 'object')) {
          filtered[field] = value;
          continue;
        }
        filtered[field] = value.filter((record) => {
          records += 1;
          const date = recordDate(record) ?? pageDate;
          if (!date || date >= cutoff) {
            left += 1;
            return true;
          }
          if (referencesHeld(record, held)) {
            heldKept = true;
            left += 1;
            return true;
          }
          removed += 1;
          return false;
        });
      }
      if (records === 0) {
        if (!end || end > cutoff) kept.push(page);
        else removed += 1;
      } else if (left > 0) kept.push({ ...(page as object), body: filtered });
    }
    if (heldKept) filesKeptForHold += 1;
    if (removed === 0) continue;
    recordsRemoved += removed;
    if (kept.length === 0) {
      filesDeleted += 1;
      if (!dryRun) await store.delete([key]);
    } else {
      filesRewritten += 1;
      if (!dryRun) await writeJsonLines(store, key, kept);
    }
  }
  return { filesDeleted, filesRewritten, recordsRemoved, filesKeptForHold, damaged };
}
