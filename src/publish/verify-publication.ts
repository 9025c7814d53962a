import { digestBytes } from '#src/publish/file-digest.ts';
import { pageFiles } from '#src/publish/publication-manifest.ts';
import type { CurrentPublication } from '#src/publish/read-publication.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

export interface PublicationCheck {
  readonly files: number;
  readonly bytes: number;
  /** Manifest paths that are missing or whose size or SHA-256 differ; empty when whole. */
  readonly problems: readonly string[];
}

/** Read every file a publication's manifest lists and check its size and SHA-256. */
export async function verifyPublication(
  store: ObjectStore,
  publication: CurrentPublication,
): Promise<PublicationCheck> {
  const { manifest } = publication;
  const files = [...manifest.tables.flatMap((t) => [...t.parquet, ...t.csv]), ...pageFiles(manifest)];
  const problems: string[] = [];
  let bytes = 0;
  for (const file of files) {
    const body = await store.get(publication.fileKey(file));
    if (!body) {
      problems.push(`${file.path}: missing`);
      continue;
    }
    const digest = digestBytes(body);
    bytes += digest.bytes;
    if (digest.bytes !== file.bytes || digest.sha256 !== file.sha256)
      problems.push(`${file.path}: content differs`);
  }
  return { files: files.length, bytes, problems };
}
