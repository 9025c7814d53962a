import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AlertNotification, Notifier } from './notifier.ts';

/** Appends each alert as one JSON line to a local file (read by the dashboard and by people). */
export class FileNotifier implements Notifier {
  constructor(readonly path: string) {}

  async notify(notification: AlertNotification): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(notification)}\n`, 'utf8');
  }
}
