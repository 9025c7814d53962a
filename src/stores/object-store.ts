/**
 * The lake's object store. Two implementations share this contract and one test suite:
 * `local/local-object-store.ts` (a folder on disk, the embedded default) and
 * `s3/s3-object-store.ts` (Amazon S3 or any S3-compatible server).
 *
 * Keys are `/`-separated, relative, never starting with `/`. A `put` is atomic: a reader sees the
 * old object or the new one whole, never a part (local: write to a temp file, fsync, rename;
 * S3: PutObject / completed multipart upload).
 */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface PutOptions {
  readonly contentType?: string;
  readonly contentEncoding?: string;
}

/**
 * The condition of a conditional write, as S3 evaluates it: `ifNoneMatch: '*'` creates the object
 * only if the key is free; `ifMatch` replaces (or deletes) it only if it is still the version read.
 */
export type WriteCondition = { readonly ifNoneMatch: '*' } | { readonly ifMatch: string };

/** An object's bytes with its entity tag: the version a later conditional write names. */
export interface TaggedObject {
  readonly body: Uint8Array;
  readonly etag: string;
}

/**
 * A conditional write or delete found the key changed (or taken, or gone) since it was read: another
 * writer got there first. Nothing was written. S3: 412 PreconditionFailed (404 for `If-Match` on a
 * missing key, 409 ConditionalRequestConflict for two writers at once).
 */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(
    readonly key: string,
    readonly condition: WriteCondition,
  ) {
    super(
      'ifNoneMatch' in condition
        ? `${key} already exists: another writer created it first; nothing was written`
        : `${key} changed (or was deleted) since it was read as ${condition.ifMatch}: another writer got there first; nothing was written`,
    );
  }
}

export interface ObjectStore {
  readonly kind: 'local' | 's3';
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void>;
  /** Stream a large body (multipart on S3). */
  putStream(
    key: string,
    body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
    options?: PutOptions,
  ): Promise<void>;
  /** The object's bytes, or `undefined` if it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Delete these keys (missing keys are not an error); returns how many existed. */
  delete(keys: readonly string[]): Promise<number>;
  /** The object with its entity tag, or `undefined` if it does not exist. */
  getTagged(key: string): Promise<TaggedObject | undefined>;
  /**
   * Put only if `condition` holds at the moment of the write (one atomic check-and-write on S3);
   * returns the new entity tag, or throws `PreconditionFailedError` having written nothing.
   */
  putIf(
    key: string,
    body: Uint8Array | string,
    condition: WriteCondition,
    options?: PutOptions,
  ): Promise<string>;
  /** Delete only if the object is still the version `etag` names; `PreconditionFailedError` otherwise. */
  deleteIf(key: string, etag: string): Promise<void>;
  /** Address an engine reads the object at: an absolute path locally, `s3://bucket/key` on S3. */
  uri(key: string): string;
}
