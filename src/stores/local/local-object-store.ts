import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { assertValidKey } from '#src/stores/object-key.ts';
import {
  type ObjectInfo,
  type ObjectStore,
  PreconditionFailedError,
  type PutOptions,
  type TaggedObject,
  type WriteCondition,
} from '#src/stores/object-store.ts';

/** Temp files carry this marker so `list` never shows a half-written object. */
const TEMP_MARKER = '.tmp-';

/**
 * The lake as a folder on disk. `put` writes a temp file beside the target, fsyncs it, renames it
 * over the target and fsyncs the folder, so a crash leaves the old object or the new one whole.
 */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local' as const;
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Uint8Array | string, _options?: PutOptions): Promise<void> {
    await this.write(key, body, (temp, target) => rename(temp, target));
  }

  async getTagged(key: string): Promise<TaggedObject | undefined> {
    const body = await this.get(key);
    return body ? { body, etag: etagOf(body) } : undefined;
  }

  /**
   * `ifNoneMatch: '*'` is atomic (a hard link of the finished temp file fails if the key exists);
   * `ifMatch` compares then renames, which is atomic only against writers of this process: the
   * local commands hold `warehouse.lock`, so there is no other (src/pipeline/run-lock.ts).
   */
  async putIf(
    key: string,
    body: Uint8Array | string,
    condition: WriteCondition,
    _options?: PutOptions,
  ): Promise<string> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    await this.write(key, bytes, async (temp, target) => {
      if ('ifNoneMatch' in condition) {
        try {
          await link(temp, target);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST')
            throw new PreconditionFailedError(key, condition);
          throw error;
        }
        await rm(temp, { force: true });
        return;
      }
      const current = await this.getTagged(key);
      if (current?.etag !== condition.ifMatch) throw new PreconditionFailedError(key, condition);
      await rename(temp, target);
    });
    return etagOf(bytes);
  }

  async deleteIf(key: string, etag: string): Promise<void> {
    const current = await this.getTagged(key);
    if (current?.etag !== etag) throw new PreconditionFailedError(key, { ifMatch: etag });
    await rm(this.path(key), { force: true });
  }

  /** Write a temp file beside the target, fsync it, `commit` it into place, fsync the folder. */
  private async write(
    key: string,
    body: Uint8Array | string,
    commit: (temp: string, target: string) => Promise<void>,
  ): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = tempPath(target);
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await commit(temp, target);
      await syncFolder(dirname(target));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async putStream(
    key: string,
    body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
    _options?: PutOptions,
  ): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = tempPath(target);
    const file = createWriteStream(temp);
    try {
      await pipeline(body, file);
      const handle = await open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
      await syncFolder(dirname(target));
    } catch (error) {
      // The stream may still be opening its file when the source fails: remove it once it is closed.
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Walk only the folder that can hold the prefix, then filter by the full key.
    const folderPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const keys: string[] = [];
    await this.collect(folderPart, keys);
    keys.sort();
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      try {
        const info = await stat(this.path(key));
        yield { key, size: info.size, lastModified: info.mtime };
      } catch (error) {
        // Deleted between the walk and the stat: not listed, like S3 would not.
        if (!isMissing(error)) throw error;
      }
    }
  }

  async delete(keys: readonly string[]): Promise<number> {
    let existed = 0;
    for (const key of keys) {
      const path = this.path(key);
      try {
        await rm(path);
        existed += 1;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return existed;
  }

  uri(key: string): string {
    return this.path(key);
  }

  private path(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  private async collect(folderKey: string, into: string[]): Promise<void> {
    const folder = folderKey ? join(this.root, ...folderKey.split('/')) : this.root;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      const key = folderKey ? `${folderKey}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await this.collect(key, into);
      else if (entry.isFile() && !entry.name.includes(TEMP_MARKER)) into.push(key);
    }
  }
}

/** S3's entity tag of a single-part object without KMS: the quoted MD5 of its bytes. */
function etagOf(body: Uint8Array): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function tempPath(target: string): string {
  const folder = dirname(target);
  const name = target.slice(folder.length + 1);
  return `${folder}${sep}${name}${TEMP_MARKER}${process.pid}-${randomBytes(6).toString('hex')}`;
}

async function syncFolder(folder: string): Promise<void> {
  // Makes the rename itself durable; some file systems refuse to fsync a folder, which is harmless.
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
