import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import {
  type LocalAthena,
  type LocalAthenaOptions,
  startLocalAthena,
} from '#src/engines/athena/local/start-local-athena.ts';
import { type RunningS3Server, startS3Server } from '#tests/stores/start-s3-server.ts';

/** The local Athena over S3 on loopback (s3rver), with the real client the engine uses. */
export interface LocalAthenaOnS3 {
  readonly s3: RunningS3Server;
  readonly athena: LocalAthena;
  readonly client: AthenaClient;
  /** An engine on `database`, its tables under `s3://<bucket>/curated/`, polling quickly. */
  engine(database: string): AthenaEngine;
  close(): Promise<void>;
}

export async function startLocalAthenaOnS3(
  options: Omit<LocalAthenaOptions, 's3Endpoint'> = {},
): Promise<LocalAthenaOnS3> {
  const s3 = await startS3Server();
  const athena = await startLocalAthena({ ...options, s3Endpoint: s3.endpoint });
  const client = new AthenaClient({
    endpoint: athena.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    s3,
    athena,
    client,
    engine: (database) =>
      new AthenaEngine({
        workgroup: 'warehouse',
        database,
        curatedLocation: `s3://${s3.bucket}/curated/`,
        client,
        initialPollMs: 2,
        maxPollMs: 10,
      }),
    async close() {
      client.destroy();
      await athena.close();
      await s3.close();
    },
  };
}
