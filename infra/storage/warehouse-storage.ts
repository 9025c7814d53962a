import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { KEPT_DIMENSION_STREAMS } from '#src/governance/retention/expire-landing.ts';
import { landingPrefix, landingStreams } from '#src/landing/landing-schemas.ts';
import type { WarehouseStorageProps } from './warehouse-storage-props.ts';

/** Days in `months` calendar months, rounded up so a window never ends early. */
export function monthsToDays(months: number): number {
  return Math.ceil((months * 365) / 12);
}

/**
 * The lake's storage: one customer-managed key and six private, TLS-only buckets.
 * - `raw`: raw API pages, landing rows, quarantine and pipeline checkpoints (the lake object store);
 * - `curated`: Iceberg tables the model runner creates through Athena;
 * - `published`: Parquet/CSV exports of the marts and the dashboard;
 * - `athenaResults`: query results, one prefix per workgroup;
 * - `audit`: the hash-chained audit log and CloudTrail, versioned with Object Lock (COMPLIANCE);
 * - `accessLogs`: server access logs of all the others.
 */
export class WarehouseStorage extends Construct {
  readonly key: kms.Key;
  readonly accessLogs: s3.Bucket;
  readonly raw: s3.Bucket;
  readonly curated: s3.Bucket;
  readonly published: s3.Bucket;
  readonly athenaResults: s3.Bucket;
  readonly audit: s3.Bucket;

  constructor(scope: Construct, id: string, props: WarehouseStorageProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const destroy = removalPolicy === RemovalPolicy.DESTROY;
    const textDays = monthsToDays(props.textMonths ?? 12);
    const factsDays = monthsToDays(props.factsMonths ?? 24);

    this.key = new kms.Key(this, 'Key', {
      description: 'Support KPI warehouse: lake, results, secrets, logs and audit',
      enableKeyRotation: true,
      removalPolicy,
    });

    // S3 delivers server access logs only to SSE-S3 buckets (SSE-KMS targets are not supported).
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(factsDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: destroy,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket itself; logging it into itself would loop.',
    });

    const dataBucket = (id: string, lifecycleRules: s3.LifecycleRule[] = []) =>
      new s3.Bucket(this, id, {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: this.key,
        bucketKeyEnabled: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        serverAccessLogsBucket: this.accessLogs,
        serverAccessLogsPrefix: `${id.toLowerCase()}/`,
        lifecycleRules: [
          ...lifecycleRules,
          { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ],
        removalPolicy,
        autoDeleteObjects: destroy,
      });

    const streams = Object.values(landingStreams);
    const shortLived = streams.filter((s) => s.retention === 'text' || s.restricted);
    // Pseudonymous dimensions are kept (new tickets refer to them); retention trims every other
    // landing file record by record, and these rules only remove what is entirely past its window.
    const longLived = streams.filter(
      (s) => !(s.retention === 'text' || s.restricted) && !KEPT_DIMENSION_STREAMS.includes(s.stream),
    );
    // Lifecycle filters select by prefix, object tags (all must match) and size, never by "not
    // tagged", and an expiration on this unversioned bucket deletes for good; so while a legal hold is
    // in force no rule may expire objects that can hold customer records, and the retention step
    // (which rewrites an expired object to keep the held records) is the only one to expire them.
    const holds = (props.legalHolds ?? 0) > 0;
    this.raw = dataBucket(
      'Raw',
      holds
        ? []
        : [
            { id: 'expire-raw-pages', prefix: 'raw/', expiration: Duration.days(textDays) },
            { id: 'expire-quarantine', prefix: 'quarantine/', expiration: Duration.days(textDays) },
            ...shortLived.map((s) => ({
              id: `expire-text-${s.source}-${s.stream}`,
              prefix: landingPrefix(s),
              expiration: Duration.days(textDays),
            })),
            ...longLived.map((s) => ({
              id: `expire-facts-${s.source}-${s.stream}`,
              prefix: landingPrefix(s),
              expiration: Duration.days(factsDays),
            })),
          ],
    );
    this.curated = dataBucket('Curated', [
      // Iceberg rewrites leave old data files behind until VACUUM; noncurrent versions do not exist
      // (unversioned), so only stray multipart uploads need the platform's help here.
    ]);
    this.published = dataBucket('Published');
    this.athenaResults = dataBucket('AthenaResults', [
      { id: 'expire-query-results', expiration: Duration.days(30) },
    ]);

    this.audit = new s3.Bucket(this, 'Audit', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(
        Duration.days(props.auditRetentionDays ?? 1825),
      ),
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'audit/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Locked objects cannot be deleted before their retention ends, whatever the stack says.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${Stack.of(this).region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        // Only for this account's log groups: Logs passes the log group ARN as encryption context.
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': Stack.of(this).formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  /** Every bucket that holds warehouse data (CloudTrail data events cover these). */
  get dataBuckets(): s3.Bucket[] {
    return [this.raw, this.curated, this.published, this.athenaResults];
  }
}
