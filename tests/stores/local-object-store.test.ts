import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import { describeObjectStoreContract } from '#tests/stores/object-store-suite.ts';

const roots: string[] = [];
async function freshStore(): Promise<LocalObjectStore> {
  const root = await mkdtemp(join(tmpdir(), 'lake-'));
  roots.push(root);
  return new LocalObjectStore(root);
}
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describeObjectStoreContract('LocalObjectStore', freshStore);

describe('LocalObjectStore', () => {
  it('leaves no temp file behind after a put', async () => {
    const store = await freshStore();
    await store.put('a/b/c.json', '{}');
    expect(await readdir(join(store.root, 'a', 'b'))).toEqual(['c.json']);
  });
});
