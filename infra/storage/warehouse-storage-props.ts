import type { RemovalPolicy } from 'aws-cdk-lib';

export interface WarehouseStorageProps {
  /**
   * What happens to the key and the data buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Months after which landing rows of fact streams expire.
   * @default 24
   */
  readonly factsMonths?: number;
  /**
   * Months after which raw API pages, quarantined rows and landing rows of text or personal
   * streams expire.
   * @default 12
   */
  readonly textMonths?: number;
  /**
   * Object Lock (COMPLIANCE mode) default retention of every object in the audit bucket, in days.
   * @default 1825 (five years, the AML record-keeping period)
   */
  readonly auditRetentionDays?: number;
  /**
   * Legal holds the warehouse configuration declares. While any is in force, no lifecycle rule
   * expires objects that may hold customer records (raw, quarantine, landing): S3 lifecycle cannot
   * tell a held customer's object from another, and the retention step, which keeps held records,
   * expires the rest.
   * @default 0
   */
  readonly legalHolds?: number;
}
