import type * as kms from 'aws-cdk-lib/aws-kms';

export interface WarehouseAlertsProps {
  readonly key: kms.IKey;
  /** The topic's name; the key policy names the topic by it (the key cannot reference the topic: a cycle). */
  readonly topicName: string;
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
