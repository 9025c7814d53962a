import { digestBytes } from '#src/publish/file-digest.ts';
import {
  CURRENT_POINTER_KEY,
  type CurrentPointer,
  currentPointerSchema,
  MANIFEST_FILE,
  type PublicationManifest,
  type PublishedFile,
  publicationManifestSchema,
  publishedFileKey,
} from '#src/publish/publication-manifest.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/** No publication is current yet: run the pipeline (or `warehouse publish`) first. */
export class NoPublicationError extends Error {
  override readonly name = 'NoPublicationError';
  constructor() {
    super(
      `No publication yet (${CURRENT_POINTER_KEY} is missing). Run \`warehouse run\` or \`warehouse publish\` first.`,
    );
  }
}

/** The pointer or a manifest does not parse, or the manifest is not the one the pointer names. */
export class CorruptPublicationError extends Error {
  override readonly name = 'CorruptPublicationError';
  constructor(key: string, reason: string) {
    super(`${key} is not a valid publication file (${reason}). Publish again to replace it.`);
  }
}

export interface CurrentPublication {
  readonly pointer: CurrentPointer;
  readonly manifest: PublicationManifest;
  /** Object-store key of a path in this publication's own folder (the dashboard, the manifest). */
  key(path: string): string;
  /** Object-store key of a file the manifest lists: its own folder's, or a reused one's. */
  fileKey(file: Pick<PublishedFile, 'path' | 'publication'>): string;
}

/** The pointer, or `undefined` before the first publication. */
export async function readCurrentPointer(store: ObjectStore): Promise<CurrentPointer | undefined> {
  const bytes = await store.get(CURRENT_POINTER_KEY);
  if (!bytes) return undefined;
  const parsed = currentPointerSchema.safeParse(parseJson(CURRENT_POINTER_KEY, bytes));
  if (!parsed.success)
    throw new CorruptPublicationError(CURRENT_POINTER_KEY, parsed.error.issues[0]?.message ?? '');
  return parsed.data;
}

/**
 * Resolve the current publication: the pointer first, then the manifest it names, checked against
 * the pointer's checksum. Everything read afterwards comes from that one publication folder.
 */
export async function readCurrentPublication(store: ObjectStore): Promise<CurrentPublication> {
  const pointer = await readCurrentPointer(store);
  if (!pointer) throw new NoPublicationError();
  const manifest = await readManifest(store, pointer.prefix);
  if (digestBytes(manifest.text).sha256 !== pointer.manifestSha256) {
    throw new CorruptPublicationError(
      `${pointer.prefix}${MANIFEST_FILE}`,
      'its checksum differs from the pointer',
    );
  }
  return {
    pointer,
    manifest: manifest.manifest,
    key: (path) => `${pointer.prefix}${path}`,
    fileKey: (file) =>
      file.publication ? publishedFileKey(pointer.runId, file) : `${pointer.prefix}${file.path}`,
  };
}

/** A publication's manifest, or `undefined` if it has none (an interrupted publication). */
export async function readManifest(
  store: ObjectStore,
  prefix: string,
): Promise<{ manifest: PublicationManifest; text: string }>;
export async function readManifest(
  store: ObjectStore,
  prefix: string,
  options: { optional: true },
): Promise<{ manifest: PublicationManifest; text: string } | undefined>;
export async function readManifest(
  store: ObjectStore,
  prefix: string,
  options?: { optional: true },
): Promise<{ manifest: PublicationManifest; text: string } | undefined> {
  const key = `${prefix}${MANIFEST_FILE}`;
  const bytes = await store.get(key);
  if (!bytes) {
    if (options?.optional) return undefined;
    throw new CorruptPublicationError(key, 'it is missing');
  }
  const text = Buffer.from(bytes).toString('utf8');
  const parsed = publicationManifestSchema.safeParse(parseJson(key, bytes));
  if (!parsed.success) throw new CorruptPublicationError(key, parsed.error.issues[0]?.message ?? '');
  return { manifest: parsed.data, text };
}

function parseJson(key: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new CorruptPublicationError(key, (error as Error).message);
  }
}
