import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';

export interface WarehouseAuditTrailProps {
  /** The Object Lock bucket the trail writes to (prefix `cloudtrail/`). */
  readonly auditBucket: s3.IBucket;
  readonly key: kms.IKey;
  /** The trail's name; the key policy names the trail by it (the key cannot reference the trail: a cycle). */
  readonly trailName: string;
  /** Buckets whose object reads and writes are recorded as data events. */
  readonly dataBuckets: readonly s3.IBucket[];
  /**
   * Retention of the trail's CloudWatch log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}
