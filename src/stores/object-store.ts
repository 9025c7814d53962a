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
  /** Address an engine reads the object at: an absolute path locally, `s3://bucket/key` on S3. */
  uri(key: string): string;
}
