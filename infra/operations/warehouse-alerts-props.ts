import type * as kms from 'aws-cdk-lib/aws-kms';

export interface WarehouseAlertsProps {
  readonly key: kms.IKey;
  /**
   * E-mail address subscribed to the topic.
   * @default - no subscription; subscribe later (chat, pager, e-mail)
   */
  readonly email?: string;
}

export interface WarehouseAlarmsProps {
  /**
   * Hours without a successful publication after which the data counts as stale.
   * @default 26
   */
  readonly staleAfterHours?: number;
}
