import type { ObjectInfo, ObjectStore, PutOptions } from '#src/stores/object-store.ts';

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

  uri(key: string): string {
    return this.inner.uri(key);
  }
}
