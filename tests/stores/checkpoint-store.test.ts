import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CheckpointConflictError, CheckpointStore } from '#src/extract/checkpoint-store.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import { type RunningS3Server, startS3Server } from '#tests/stores/start-s3-server.ts';

let server: RunningS3Server;
beforeAll(async () => {
  server = await startS3Server('checkpoints');
});
afterAll(async () => {
  await server.close();
});

const state = z.object({ cursor: z.string() });
const at = (cursor: string, pageSeq: number, runId: string) => ({
  state: { cursor },
  pageSeq,
  runId,
  updatedAt: '2026-12-07T02:00:00.000Z',
});

describe('checkpoints in the S3 lake (s3rver with S3’s conditional writes)', () => {
  it('refuse a checkpoint written by a stale writer, keeping the newer one', async () => {
    // Prepare: both runs read page 3's checkpoint; one advances it to page 4
    const checkpoints = new CheckpointStore(
      new S3ObjectStore({ bucket: server.bucket, client: server.client }),
    );
    await checkpoints.write('zendesk', 'tickets', at('c3', 3, 'nightly'), undefined);
    const readByNightly = await checkpoints.read('zendesk', 'tickets', state);
    const readByBackfill = await checkpoints.read('zendesk', 'tickets', state);
    await checkpoints.write('zendesk', 'tickets', at('c4', 4, 'nightly'), readByNightly!.etag);
    // Act: the backfill, still at page 3, writes its page 4
    const stale = checkpoints.write(
      'zendesk',
      'tickets',
      at('c4-backfill', 4, 'backfill'),
      readByBackfill!.etag,
    );
    // Assess
    await expect(stale).rejects.toBeInstanceOf(CheckpointConflictError);
    await expect(stale).rejects.toThrow('state/checkpoints/zendesk/tickets.json');
    expect(await checkpoints.read('zendesk', 'tickets', state)).toMatchObject({
      state: { cursor: 'c4' },
      pageSeq: 4,
      runId: 'nightly',
    });
  });

  it('refuse a first checkpoint when another run created it meanwhile', async () => {
    // Prepare
    const checkpoints = new CheckpointStore(
      new S3ObjectStore({ bucket: server.bucket, client: server.client }),
    );
    await checkpoints.write('hubspot', 'contacts', at('h1', 1, 'hourly'), undefined);
    // Act: a run that found no checkpoint when it started
    const late = checkpoints.write('hubspot', 'contacts', at('h1-other', 1, 'backfill'), undefined);
    // Assess
    await expect(late).rejects.toBeInstanceOf(CheckpointConflictError);
    expect((await checkpoints.read('hubspot', 'contacts', state))?.runId).toBe('hourly');
  });
});
