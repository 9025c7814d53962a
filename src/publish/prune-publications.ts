import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PUBLICATIONS_PREFIX } from '#src/publish/publication-manifest.ts';
import { readManifest } from '#src/publish/read-publication.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

export interface PrunedPublications {
  /** Run ids whose folders were deleted (old publications and interrupted ones). */
  readonly runIds: readonly string[];
  readonly objects: number;
}

/**
 * Keep the `keep` newest complete publications (the current one always among them) and delete the
 * rest, including folders of interrupted publications that never got a manifest. Runs after the
 * pointer switch, under the single-writer rule, so no folder being written is ever deleted.
 */
export async function prunePublications(input: {
  readonly store: ObjectStore;
  readonly keep: number;
  readonly current: string;
}): Promise<PrunedPublications> {
  const { store, keep, current } = input;
  const keysByRun = new Map<string, string[]>();
  for await (const object of store.list(PUBLICATIONS_PREFIX)) {
    const runId = object.key.slice(PUBLICATIONS_PREFIX.length).split('/')[0];
    if (!runId) continue;
    const keys = keysByRun.get(runId) ?? [];
    keys.push(object.key);
    keysByRun.set(runId, keys);
  }

  const complete: { runId: string; createdAt: string }[] = [];
  const doomed: string[] = [];
  for (const runId of keysByRun.keys()) {
    if (runId === current) continue;
    const found = await readManifest(store, `${PUBLICATIONS_PREFIX}${runId}/`, { optional: true }).catch(
      () => undefined,
    );
    if (found) complete.push({ runId, createdAt: found.manifest.createdAt });
    else doomed.push(runId);
  }
  complete.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  doomed.push(...complete.slice(Math.max(0, keep - 1)).map((p) => p.runId));

  let objects = 0;
  for (const runId of doomed.sort()) {
    // The manifest goes first so a half-deleted folder is never mistaken for a whole publication.
    const keys = keysByRun.get(runId) ?? [];
    const manifestKey = `${PUBLICATIONS_PREFIX}${runId}/manifest.json`;
    objects += await store.delete(keys.filter((k) => k === manifestKey));
    objects += await store.delete(keys.filter((k) => k !== manifestKey));
    if (store.kind === 'local') await removeEmptyFolders(store.uri(`${PUBLICATIONS_PREFIX}${runId}`));
  }
  return { runIds: doomed.sort(), objects };
}

/**
 * A folder lake keeps the empty folders of deleted objects; remove them bottom-up so a pruned
 * publication leaves nothing behind. A folder that is not empty (a file appeared) is left alone.
 */
async function removeEmptyFolders(folder: string): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyFolders(join(folder, entry.name));
  await rmdir(folder).catch(() => undefined);
}
