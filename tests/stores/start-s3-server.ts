import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { withConditionalWrites } from '#rehearsal/s3rver-conditional-writes.ts';

export interface RunningS3Server {
  readonly endpoint: string;
  readonly bucket: string;
  readonly client: S3Client;
  close(): Promise<void>;
}

/** A real S3-protocol server on loopback (s3rver) with one empty bucket, and a client for it. */
export async function startS3Server(bucket = 'lake-test'): Promise<RunningS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  // s3rver ignores If-None-Match / If-Match on writes; the shim applies S3's rules (checkpoints, run lock).
  const server = withConditionalWrites(
    new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      vhostBuckets: false,
      configureBuckets: [{ name: bucket }],
    }),
  );
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // s3rver predates the SDK's default CRC32 checksums; send them only when S3 requires one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    bucket,
    client,
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
