import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { WarehouseCatalog } from '#infra/catalog/warehouse-catalog.ts';
import type { WarehouseStorage } from '#infra/storage/warehouse-storage.ts';
import type { WarehouseConfigInput } from '#src/config/warehouse-config.ts';

export type PipelineSource = 'zendesk' | 'hubspot';

export interface PipelineSourceProps {
  /** Secrets Manager secret name holding the source credentials (JSON). */
  readonly secretName: string;
}

export interface WarehousePipelineProps {
  readonly name: string;
  readonly storage: WarehouseStorage;
  readonly catalog: WarehouseCatalog;
  /** Topic that receives pipeline failures and SLA alerts. */
  readonly alertTopic: sns.ITopic;
  /** Sources to extract, each with its credentials secret. */
  readonly sources: Partial<Record<PipelineSource, PipelineSourceProps>>;
  /**
   * The warehouse configuration the handlers parse (lake, engine, sources, governance); the
   * pipeline fills in `lake` and `engine` from the storage and catalog.
   */
  readonly warehouseConfig: WarehouseConfigInput;
  /**
   * Name of the Secrets Manager secret holding the pseudonymisation (HMAC) key; generated at deploy.
   * @default `${name}/hmac-key`
   */
  readonly hmacSecretName?: string;
  /**
   * Schedule of extraction-only runs.
   * @default 'rate(1 hour)'
   */
  readonly extractSchedule?: string;
  /**
   * Schedule of full runs (extract, models, data tests, publish, alerts, retention).
   * @default 'cron(30 2 * * ? *)'
   */
  readonly modelsSchedule?: string;
  /**
   * Time zone of cron schedules.
   * @default 'UTC'
   */
  readonly scheduleTimeZone?: string;
  /**
   * Whether the schedules are enabled.
   * @default true
   */
  readonly schedulesEnabled?: boolean;
  /**
   * Retention of every function's and the state machine's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}
