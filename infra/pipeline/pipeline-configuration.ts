import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { parseCarriedConfig } from '#infra/config/deployment-config.ts';
import {
  CONFIG_LAYER_FILE,
  type ConfigCarriage,
  configCarriage,
} from '#infra/config/warehouse-config-carrier.ts';
import type { WarehouseConfig, WarehouseConfigInput } from '#src/config/warehouse-config.ts';
import { publishMetric } from './pipeline-metrics.ts';
import type { WarehousePipelineProps } from './warehouse-pipeline-props.ts';
import type { WarehouseSecrets } from './warehouse-secrets.ts';

export interface PipelineConfiguration {
  /** How the warehouse configuration reaches the functions (environment or layer file). */
  readonly carriage: ConfigCarriage;
  /** The warehouse configuration the functions run with, parsed at synth (lake and engine stood in for). */
  readonly runConfig: WarehouseConfig;
  /** The layer holding the configuration file, when it does not fit the environment. */
  readonly layer?: lambda.LayerVersion;
  /** The environment every function starts from. */
  readonly environment: Record<string, string>;
}

/**
 * The warehouse configuration: the deployment's sections (desk, SLA, KPIs, holds, sentiment, …)
 * and the stack's own lake and engine. In the environment while it fits Lambda's 4 KB, else in
 * a layer file (infra/config/warehouse-config-carrier.ts), created in `scope`.
 */
export function pipelineConfiguration(
  scope: Construct,
  props: WarehousePipelineProps,
  secrets: WarehouseSecrets,
): PipelineConfiguration {
  const stack = Stack.of(scope);
  const { storage, catalog } = props;
  const runtime = {
    lake: { kind: 's3', bucket: storage.raw.bucketName, prefix: '', region: stack.region },
    engine: {
      kind: 'athena',
      workgroup: catalog.workgroups.pipeline.name,
      database: catalog.databaseName,
      region: stack.region,
      curatedLocation: storage.curated.s3UrlForObject('warehouse/'),
    },
  } satisfies WarehouseConfigInput;
  const carriage = configCarriage(props.warehouseConfig);
  const runConfig = parseCarriedConfig(props.warehouseConfig);
  const layer =
    carriage.kind === 'layer'
      ? new lambda.LayerVersion(scope, 'WarehouseConfigLayer', {
          code: lambda.Code.fromAsset(carriage.assetDir),
          compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
          compatibleArchitectures: [lambda.Architecture.ARM_64],
          description: `Warehouse configuration of ${props.name} (${CONFIG_LAYER_FILE})`,
        })
      : undefined;
  const environment = {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_METRICS_NAMESPACE: publishMetric.namespace,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...(carriage.kind === 'layer'
      ? { WAREHOUSE_CONFIG: stack.toJsonString(runtime), WAREHOUSE_CONFIG_FILE: carriage.file }
      : { WAREHOUSE_CONFIG: stack.toJsonString({ ...props.warehouseConfig, ...runtime }) }),
    HMAC_SECRET_ARN: secrets.hmacKey.secretArn,
    PUBLISHED_BUCKET: storage.published.bucketName,
    AUDIT_BUCKET: storage.audit.bucketName,
    ALERT_TOPIC_ARN: props.alertTopic.topicArn,
  };
  return { carriage, runConfig, layer, environment };
}
