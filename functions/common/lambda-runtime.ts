import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { classifyTable } from '#src/governance/access/access-policy.ts';
import type { AuditLog } from '#src/governance/audit/audit-log.ts';
import { auditKey, createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import type { LambdaSettings } from './lambda-environment.ts';
import { loadSecrets } from './load-secrets.ts';

/**
 * The LF-Tag the deployment grants person roles by (`infra/access`: `warehouse_class`); its values
 * are the access policy's table classes. Tables the runner creates carry it from their first run.
 */
export const tableClassTagKey = 'warehouse_class';

/**
 * What a pipeline step works with in AWS: the lake (raw bucket), the published bucket, the Athena
 * engine and the audit log in the Object Lock bucket. Built from the S3 and Athena implementations
 * directly, never through the engine factory, so DuckDB (native, local only) stays out of the bundle.
 */
export interface LambdaRuntime {
  readonly lake: S3ObjectStore;
  readonly published: S3ObjectStore;
  readonly engine: AthenaEngine;
  readonly audit: AuditLog;
}

export function lambdaRuntime({ config, env }: LambdaSettings): LambdaRuntime {
  if (config.lake.kind !== 's3') throw new Error('WAREHOUSE_CONFIG.lake must be an s3 lake in Lambda');
  if (config.engine.kind !== 'athena') throw new Error('WAREHOUSE_CONFIG.engine must be athena in Lambda');
  const clientConfig = {
    region: config.lake.region,
    endpoint: config.lake.endpoint,
    forcePathStyle: config.lake.forcePathStyle,
  };
  const lake = new S3ObjectStore({ bucket: config.lake.bucket, prefix: config.lake.prefix, clientConfig });
  const published = new S3ObjectStore({ bucket: env.PUBLISHED_BUCKET, client: lake.client });
  const engine = new AthenaEngine({
    workgroup: config.engine.workgroup,
    database: config.engine.database,
    catalog: config.engine.catalog,
    curatedLocation: config.engine.curatedLocation,
    snapshotMaxAgeSeconds: config.engine.snapshotMaxAgeSeconds,
    ...(config.engine.region ? { region: config.engine.region } : {}),
    tagTables: { tagKey: tableClassTagKey, classify: (name) => classifyTable(name).class },
  });
  const audit = createAuditLog(config, {
    actor: env.AWS_LAMBDA_FUNCTION_NAME,
    // The chain key comes from the HMAC secret in Secrets Manager, whichever step appends first.
    key: async () => {
      await loadSecrets(config, { hmacKey: env.HMAC_SECRET_ARN });
      return auditKey(config);
    },
  });
  return { lake, published, engine, audit };
}
