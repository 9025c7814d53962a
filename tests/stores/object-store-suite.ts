import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidObjectKeyError } from '#src/stores/object-key.ts';
import { type ObjectStore, PreconditionFailedError } from '#src/stores/object-store.ts';

async function listKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys;
}

async function* chunks(count: number, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < count; i += 1) yield new Uint8Array(size).fill(i % 251);
}

/**
 * The contract every object store keeps, run against each implementation. `makeStore` returns a
 * store over an empty lake for each test.
 */
export function describeObjectStoreContract(name: string, makeStore: () => Promise<ObjectStore>): void {
  describe(`${name} keeps the object store contract`, () => {
    it('returns the bytes that were put, and undefined for a key never written', async () => {
      // Prepare
      const store = await makeStore();
      const body = gzipSync(Buffer.from('{"a":1}\n{"a":2}\n'));
      // Act
      await store.put('raw/zendesk/tickets/dt=2026-08-01/run-1-000001.jsonl.gz', body, {
        contentType: 'application/x-ndjson',
        contentEncoding: 'gzip',
      });
      const read = await store.get('raw/zendesk/tickets/dt=2026-08-01/run-1-000001.jsonl.gz');
      const missing = await store.get('raw/zendesk/tickets/dt=2026-08-01/nope.jsonl.gz');
      // Assess
      expect(read).toBeDefined();
      expect(gunzipSync(read!).toString()).toBe('{"a":1}\n{"a":2}\n');
      expect(missing).toBeUndefined();
    });

    it('replaces an object whole when the same key is put again', async () => {
      const store = await makeStore();
      await store.put('state/checkpoints/zendesk/tickets.json', '{"cursor":"a"}');
      await store.put('state/checkpoints/zendesk/tickets.json', '{"cursor":"bb"}');
      const read = await store.get('state/checkpoints/zendesk/tickets.json');
      expect(Buffer.from(read!).toString()).toBe('{"cursor":"bb"}');
    });

    it('tells whether a key exists', async () => {
      const store = await makeStore();
      await store.put('a/b.txt', 'x');
      expect(await store.exists('a/b.txt')).toBe(true);
      expect(await store.exists('a/c.txt')).toBe(false);
      expect(await store.exists('a')).toBe(false);
    });

    it('lists every key under a prefix in key order, with sizes, and nothing outside it', async () => {
      // Prepare
      const store = await makeStore();
      const keys = [
        'landing/zendesk/tickets/dt=2026-08-02/r-000002.jsonl.gz',
        'landing/zendesk/tickets/dt=2026-08-01/r-000001.jsonl.gz',
        'landing/zendesk/tickets/dt=2026-08-01/r-000010.jsonl.gz',
        'landing/zendesk/ticket_events/dt=2026-08-01/r-000001.jsonl.gz',
        'landing/hubspot/contacts/dt=2026-08-01/r-000001.jsonl.gz',
      ];
      for (const [i, key] of keys.entries()) await store.put(key, 'x'.repeat(i + 1));
      // Act
      const tickets: { key: string; size: number }[] = [];
      for await (const info of store.list('landing/zendesk/tickets/'))
        tickets.push({ key: info.key, size: info.size });
      const byPartialName = await listKeys(store, 'landing/zendesk/ticket');
      const none = await listKeys(store, 'quarantine/');
      // Assess
      expect(tickets).toEqual([
        { key: 'landing/zendesk/tickets/dt=2026-08-01/r-000001.jsonl.gz', size: 2 },
        { key: 'landing/zendesk/tickets/dt=2026-08-01/r-000010.jsonl.gz', size: 3 },
        { key: 'landing/zendesk/tickets/dt=2026-08-02/r-000002.jsonl.gz', size: 1 },
      ]);
      expect(byPartialName).toEqual([
        'landing/zendesk/ticket_events/dt=2026-08-01/r-000001.jsonl.gz',
        'landing/zendesk/tickets/dt=2026-08-01/r-000001.jsonl.gz',
        'landing/zendesk/tickets/dt=2026-08-01/r-000010.jsonl.gz',
        'landing/zendesk/tickets/dt=2026-08-02/r-000002.jsonl.gz',
      ]);
      expect(none).toEqual([]);
    });

    it('deletes the keys asked for, counts only those that existed, and keeps the others', async () => {
      const store = await makeStore();
      await store.put('raw/a.gz', '1');
      await store.put('raw/b.gz', '2');
      await store.put('raw/c.gz', '3');
      const deleted = await store.delete(['raw/a.gz', 'raw/c.gz', 'raw/missing.gz']);
      expect(deleted).toBe(2);
      expect(await listKeys(store, 'raw/')).toEqual(['raw/b.gz']);
    });

    it('stores a streamed body of several chunks whole', async () => {
      // Prepare: 7 chunks of 1 MiB, more than one multipart part where parts are 5 MiB.
      const store = await makeStore();
      // Act
      await store.putStream('published/big.bin', chunks(7, 1024 * 1024));
      const read = await store.get('published/big.bin');
      // Assess
      expect(read?.byteLength).toBe(7 * 1024 * 1024);
      expect(read?.[0]).toBe(0);
      expect(read?.[6 * 1024 * 1024 + 5]).toBe(6);
      const listed: number[] = [];
      for await (const info of store.list('published/')) listed.push(info.size);
      expect(listed).toEqual([7 * 1024 * 1024]);
    });

    it('keeps the previous object whole when a streamed put fails half-way', async () => {
      // Prepare
      const store = await makeStore();
      await store.put('state/x.json', 'old');
      async function* failing(): AsyncIterable<Uint8Array> {
        yield new Uint8Array(6 * 1024 * 1024).fill(1);
        throw new Error('source broke');
      }
      // Act
      const error = await store.putStream('state/x.json', failing()).catch((e: unknown) => e);
      // Assess
      expect((error as Error).message).toContain('source broke');
      expect(Buffer.from((await store.get('state/x.json'))!).toString()).toBe('old');
      expect(await listKeys(store, 'state/')).toEqual(['state/x.json']);
    });

    it('refuses keys that are absolute or climb out of the lake', async () => {
      const store = await makeStore();
      await expect(store.put('/etc/passwd', 'x')).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.put('raw/../../escape', 'x')).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.get('raw//double')).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it('gives an address an engine can read for a key', async () => {
      const store = await makeStore();
      const uri = store.uri('landing/zendesk/tickets/dt=2026-08-01/r-000001.jsonl.gz');
      expect(uri.endsWith('landing/zendesk/tickets/dt=2026-08-01/r-000001.jsonl.gz')).toBe(true);
      expect(uri.startsWith(store.kind === 's3' ? 's3://' : '/')).toBe(true);
    });

    it('creates an object with If-None-Match only while its key is free, and refuses the second creator', async () => {
      // Prepare
      const store = await makeStore();
      const first = await store.putIf('state/run.lock', '{"run":"a"}', { ifNoneMatch: '*' });
      // Act
      const second = store.putIf('state/run.lock', '{"run":"b"}', { ifNoneMatch: '*' });
      // Assess
      await expect(second).rejects.toBeInstanceOf(PreconditionFailedError);
      const read = await store.getTagged('state/run.lock');
      expect(Buffer.from(read!.body).toString()).toBe('{"run":"a"}');
      expect(read!.etag).toBe(first);
    });

    it('lets exactly one of two racing creators win', async () => {
      // Prepare
      const store = await makeStore();
      // Act
      const outcomes = await Promise.allSettled(
        ['a', 'b', 'c'].map((run) => store.putIf('state/run.lock', run, { ifNoneMatch: '*' })),
      );
      // Assess
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes.filter((o) => o.status === 'rejected'))
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(PreconditionFailedError);
    });

    it('replaces with If-Match only the version that was read, so a stale writer is refused', async () => {
      // Prepare
      const store = await makeStore();
      const v1 = await store.putIf('state/checkpoints/zendesk/tickets.json', '{"seq":1}', {
        ifNoneMatch: '*',
      });
      const v2 = await store.putIf('state/checkpoints/zendesk/tickets.json', '{"seq":2}', { ifMatch: v1 });
      // Act: a writer that still holds v1, and one that expects an object that does not exist
      const stale = await store
        .putIf('state/checkpoints/zendesk/tickets.json', '{"seq":1.5}', { ifMatch: v1 })
        .catch((e: unknown) => e);
      const missing = await store
        .putIf('state/checkpoints/zendesk/none.json', '{}', { ifMatch: v1 })
        .catch((e: unknown) => e);
      // Assess
      expect(stale).toBeInstanceOf(PreconditionFailedError);
      expect(missing).toBeInstanceOf(PreconditionFailedError);
      expect(await store.exists('state/checkpoints/zendesk/none.json')).toBe(false);
      const read = await store.getTagged('state/checkpoints/zendesk/tickets.json');
      expect(Buffer.from(read!.body).toString()).toBe('{"seq":2}');
      expect(read!.etag).toBe(v2);
      expect(v2).not.toBe(v1);
    });

    it('deletes with If-Match only the version that was read', async () => {
      // Prepare
      const store = await makeStore();
      const v1 = await store.putIf('state/run.lock', 'a', { ifNoneMatch: '*' });
      const v2 = await store.putIf('state/run.lock', 'b', { ifMatch: v1 });
      // Act
      const stale = store.deleteIf('state/run.lock', v1);
      // Assess
      await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.exists('state/run.lock')).toBe(true);
      await store.deleteIf('state/run.lock', v2);
      expect(await store.exists('state/run.lock')).toBe(false);
    });
  });
}
