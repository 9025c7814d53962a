import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import type { LakeConfig } from '#src/stores/store-config.ts';

/** The lake the configuration names: a local folder (default) or an S3 bucket. */
export function createObjectStore(lake: LakeConfig): ObjectStore {
  switch (lake.kind) {
    case 'local':
      return new LocalObjectStore(lake.root);
    case 's3':
      return new S3ObjectStore({
        bucket: lake.bucket,
        prefix: lake.prefix,
        clientConfig: {
          region: lake.region,
          endpoint: lake.endpoint,
          forcePathStyle: lake.forcePathStyle,
        },
      });
  }
}
