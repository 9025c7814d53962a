import { Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
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
    const stack = Stack.of(this);
    const trailArn = stack.formatArn({
      service: 'cloudtrail',
      resource: 'trail',
      resourceName: props.trailName,
    });
    // CloudTrail encrypts each log file with a data key of the warehouse key, in the trail's
    // encryption context; without this statement the trail cannot be created (AWS docs: "Configure
    // AWS KMS key policies for CloudTrail").
    if (props.key instanceof kms.Key) {
      props.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudTrailToEncryptLogs',
          principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
          actions: ['kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:SourceArn': trailArn },
            StringLike: {
              'kms:EncryptionContext:aws:cloudtrail:arn': stack.formatArn({
                service: 'cloudtrail',
                resource: 'trail',
                resourceName: '*',
              }),
            },
          },
        }),
      );
      props.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudTrailToDescribeKey',
          principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
          actions: ['kms:DescribeKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
        }),
      );
    }
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
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
