import type { ObjectInfo, ObjectStore, PutOptions, WriteCondition } from '#src/stores/object-store.ts';

export class SimulatedCrashError extends Error {
  override readonly name = 'SimulatedCrashError';
  constructor(readonly writes: number) {
    super(`simulated crash after ${writes} writes`);
  }
}

/**
 * A real object store that "crashes" (throws, and refuses every later write) once it has
 * completed `writesBeforeCrash` writes — the process dying between two puts, as a reader sees it.
 */
export class CrashingObjectStore implements ObjectStore {
  readonly kind: ObjectStore['kind'];
  writes = 0;
  readonly written: string[] = [];

  constructor(
    private readonly inner: ObjectStore,
    private readonly writesBeforeCrash: number,
  ) {
    this.kind = inner.kind;
  }

  private admit(key: string): void {
    if (this.writes >= this.writesBeforeCrash) throw new SimulatedCrashError(this.writes);
    this.writes += 1;
    this.written.push(key);
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    this.admit(key);
    await this.inner.put(key, body, options);
  }

  async putStream(
    key: string,
    body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
    options?: PutOptions,
  ) {
    this.admit(key);
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
    this.admit(keys[0] ?? '(nothing)');
    return this.inner.delete(keys);
  }

  getTagged(key: string) {
    return this.inner.getTagged(key);
  }

  async putIf(key: string, body: Uint8Array | string, condition: WriteCondition, options?: PutOptions) {
    this.admit(key);
    return this.inner.putIf(key, body, condition, options);
  }

  async deleteIf(key: string, etag: string): Promise<void> {
    this.admit(key);
    await this.inner.deleteIf(key, etag);
  }

  uri(key: string): string {
    return this.inner.uri(key);
  }
}
