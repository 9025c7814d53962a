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
}
