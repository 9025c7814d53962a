import type { ObjectInfo, ObjectStore, PutOptions, WriteCondition } from '#src/stores/object-store.ts';

/** A real object store that records the keys written through it (puts and streamed puts). */
export class RecordingObjectStore implements ObjectStore {
  readonly kind: ObjectStore['kind'];
  readonly puts: string[] = [];
  readonly deletes: string[] = [];

  constructor(private readonly inner: ObjectStore) {
    this.kind = inner.kind;
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    this.puts.push(key);
    await this.inner.put(key, body, options);
  }

  async putStream(
    key: string,
    body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
    options?: PutOptions,
  ): Promise<void> {
    this.puts.push(key);
    await this.inner.putStream(key, body, options);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  list(prefix: string): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix);
  }

  async delete(keys: readonly string[]): Promise<number> {
    this.deletes.push(...keys);
    return this.inner.delete(keys);
  }

  getTagged(key: string) {
    return this.inner.getTagged(key);
  }

  async putIf(key: string, body: Uint8Array | string, condition: WriteCondition, options?: PutOptions) {
    this.puts.push(key);
    return this.inner.putIf(key, body, condition, options);
  }

  async deleteIf(key: string, etag: string): Promise<void> {
    this.deletes.push(key);
    await this.inner.deleteIf(key, etag);
  }

  uri(key: string): string {
    return this.inner.uri(key);
  }
}
