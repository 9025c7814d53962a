import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, manifestKeys, PUBLICATIONS_PREFIX } from '#src/publish/publication-manifest.ts';
import { readManifest } from '#src/publish/read-publication.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

export interface PrunedPublications {
  /** Run ids whose publications were deleted (old publications and interrupted ones). */
  readonly runIds: readonly string[];
  readonly objects: number;
  /** Files of deleted publications kept because a kept publication still lists them. */
  readonly stillReferenced: number;
}

/**
 * Keep the `keep` newest complete publications (the current one always among them) and delete the
 * rest, including folders of interrupted publications that never got a manifest.
 *
 * Reference-counted: a publication reuses unchanged partitions' files from the folders of earlier
 * ones, so a file is deleted only when no kept publication's manifest lists it; a deleted
 * publication's folder keeps the files a kept one lists until no kept manifest lists them. Runs
 * after the pointer switch, under the single-writer rule, so no folder being written is ever deleted.
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

  // Without the current manifest nothing can tell which files it lists: delete nothing.
  const currentManifest = await readManifest(store, `${PUBLICATIONS_PREFIX}${current}/`, {
    optional: true,
  }).catch(() => undefined);
  if (!currentManifest) return { runIds: [], objects: 0, stillReferenced: 0 };
  const referenced = new Set(manifestKeys(currentManifest.manifest));
  const complete: { runId: string; createdAt: string; keys: string[] }[] = [];
  for (const runId of keysByRun.keys()) {
    if (runId === current) continue;
    const found = await readManifest(store, `${PUBLICATIONS_PREFIX}${runId}/`, { optional: true }).catch(
      () => undefined,
    );
    if (found)
      complete.push({ runId, createdAt: found.manifest.createdAt, keys: manifestKeys(found.manifest) });
  }
  complete.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  const kept = complete.slice(0, Math.max(0, keep - 1));
  for (const publication of kept) for (const key of publication.keys) referenced.add(key);

  const pruned: string[] = [];
  let objects = 0;
  let stillReferenced = 0;
  const keptRuns = new Set([current, ...kept.map((p) => p.runId)]);
  for (const [runId, keys] of [...keysByRun].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (keptRuns.has(runId)) continue;
    // The manifest goes first so a half-deleted folder is never mistaken for a whole publication.
    const manifestKey = `${PUBLICATIONS_PREFIX}${runId}/${MANIFEST_FILE}`;
    const unreferenced = keys.filter((k) => !referenced.has(k));
    stillReferenced += keys.length - unreferenced.length;
    if (unreferenced.length === 0) continue;
    pruned.push(runId);
    objects += await store.delete(unreferenced.filter((k) => k === manifestKey));
    objects += await store.delete(unreferenced.filter((k) => k !== manifestKey));
    if (store.kind === 'local') await removeEmptyFolders(store.uri(`${PUBLICATIONS_PREFIX}${runId}`));
  }
  return { runIds: pruned, objects, stillReferenced };
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
