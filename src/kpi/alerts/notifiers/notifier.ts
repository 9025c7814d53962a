/** What changed about an alert in one evaluation: raised (new breach) or cleared (recovered). */
export interface AlertNotification {
  readonly alertId: string;
  readonly kind: 'raised' | 'cleared';
  readonly kpi: string;
  /** One line for a subject or a console: what is wrong (or right again) and by how much. */
  readonly title: string;
  readonly actual: number | null;
  readonly target: number;
  readonly thresholdPp: number;
  readonly windowHours: number;
  /** The breakdown cells that drive the breach, worst first (`channel=chat`, …). */
  readonly drivers: readonly AlertDriver[];
  readonly at: string;
  readonly kpiVersion: string;
}

export interface AlertDriver {
  readonly breakdown: string;
  readonly value: string;
  readonly rate: number;
  readonly met: number;
  readonly breached: number;
}

/**
 * Where alerts go. Implementations share this contract: `console-notifier.ts` and
 * `file-notifier.ts` locally, `sns-notifier.ts` in AWS; `fan-out-notifier.ts` sends to several.
 */
export interface Notifier {
  notify(notification: AlertNotification): Promise<void>;
}
