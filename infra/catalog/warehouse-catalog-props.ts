import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/** The Athena workgroups: one per role, bound to that role's IAM policy. */
export const workgroupRoles = ['analyst', 'compliance', 'engineer', 'pipeline'] as const;
export type WorkgroupRole = (typeof workgroupRoles)[number];

export interface WarehouseCatalogProps {
  /** Glue database name (letters, digits and underscores). */
  readonly databaseName: string;
  /** Prefix of the workgroup names: `<prefix>-<role>`. */
  readonly workgroupPrefix: string;
  /** Bucket holding `landing/`. */
  readonly rawBucket: s3.IBucket;
  /** Bucket the Iceberg tables of the models live in. */
  readonly curatedBucket: s3.IBucket;
  readonly resultsBucket: s3.IBucket;
  readonly key: kms.IKey;
  /**
   * Per-query cutoff in bytes scanned, applied to every workgroup.
   * @default 10_000_000_000 (10 GB)
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * First day of the `dt` partition projection range (YYYY-MM-DD).
   * @default '2024-01-01' (`DEFAULT_PROJECTION_START`)
   */
  readonly projectionStartDate?: string;
}
