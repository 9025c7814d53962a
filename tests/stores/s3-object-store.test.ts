import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '#src/stores/create-object-store.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import { describeObjectStoreContract } from '#tests/stores/object-store-suite.ts';
import { type RunningS3Server, startS3Server } from '#tests/stores/start-s3-server.ts';

let server: RunningS3Server;
let counter = 0;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await server.close();
});

// Each test gets its own prefix in the one bucket, which keeps the tests independent.
describeObjectStoreContract('S3ObjectStore over the S3 protocol (s3rver)', async () => {
  counter += 1;
  return new S3ObjectStore({
    bucket: server.bucket,
    prefix: `t${counter}/`,
    client: server.client,
    partSize: 5 * 1024 * 1024,
  });
});

describe('createObjectStore', () => {
  it('builds an S3 store from the lake configuration that talks to the configured endpoint', async () => {
    // Prepare
    process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
    const store = createObjectStore({
      kind: 's3',
      bucket: server.bucket,
      prefix: 'from-config',
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
    });
    // Act
    await store.put('a/b.txt', 'hello');
    // Assess
    expect(store.kind).toBe('s3');
    expect(store.uri('a/b.txt')).toBe(`s3://${server.bucket}/from-config/a/b.txt`);
    const raw = await server.client.send(
      new GetObjectCommand({ Bucket: server.bucket, Key: 'from-config/a/b.txt' }),
    );
    expect(await raw.Body?.transformToString()).toBe('hello');
  });

  it('builds a local store for a local lake', () => {
    const store = createObjectStore({ kind: 'local', root: '/tmp/some-lake' });
    expect(store.kind).toBe('local');
    expect(store.uri('x/y')).toBe('/tmp/some-lake/x/y');
  });
});
