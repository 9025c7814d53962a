import type { AlertNotification, Notifier } from './notifier.ts';

/** Prints each alert as a readable block (the local main job's output). */
export class ConsoleNotifier implements Notifier {
  constructor(private readonly write: (line: string) => void = (line) => console.log(line)) {}

  async notify(notification: AlertNotification): Promise<void> {
    const icon = notification.kind === 'raised' ? 'ALERT' : 'CLEARED';
    this.write(`[${icon}] ${notification.title}`);
    for (const d of notification.drivers) {
      this.write(
        `    ${d.breakdown}=${d.value}: ${(d.rate * 100).toFixed(1)} % (${d.breached} breached, ${d.met} met)`,
      );
    }
  }
}
