import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { WarehouseAuditTrailProps } from './warehouse-audit-trail-props.ts';

/**
 * CloudTrail for the warehouse: management events plus S3 data events (every object read and
 * write) on the data buckets, with log-file integrity validation, encrypted with the warehouse key
 * and delivered to the Object Lock audit bucket next to the application's hash-chained audit log.
 */
export class WarehouseAuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;

  constructor(scope: Construct, id: string, props: WarehouseAuditTrailProps) {
    super(scope, id);
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: props.auditBucket,
      s3KeyPrefix: 'cloudtrail',
      encryptionKey: props.key,
      enableFileValidation: true,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: false,
      sendToCloudWatchLogs: true,
      cloudWatchLogsRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
    this.trail.addS3EventSelector(
      props.dataBuckets.map((bucket) => ({ bucket })),
      { readWriteType: cloudtrail.ReadWriteType.ALL, includeManagementEvents: true },
    );
  }
}
