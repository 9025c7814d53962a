import type { AlertNotification, Notifier } from './notifier.ts';

/** Sends to every notifier; one failing does not stop the others, and the first error is rethrown. */
export class FanOutNotifier implements Notifier {
  constructor(private readonly notifiers: readonly Notifier[]) {}

  async notify(notification: AlertNotification): Promise<void> {
    const results = await Promise.allSettled(this.notifiers.map((n) => n.notify(notification)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
