import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type AuditHead, parseAuditHead } from './audit-sink.ts';

/**
 * A copy of the chain's head kept outside the audit folder, so whoever can rewrite that folder
 * (delete the last entries and move `HEAD.json` back) is still caught by `verify`. Locally a file
 * at a configured place (another disk, a folder only the operator's account writes, a mounted
 * write-once share); in AWS the entries themselves sit in the Object Lock bucket.
 */
export interface AuditAnchor {
  readonly location: string;
  read(): Promise<AuditHead | undefined>;
  /** Move the anchor forward to `head` (never backward: a lagging writer leaves it as it is). */
  write(head: AuditHead): Promise<void>;
}

/** The head exported to a JSON file after every append (temp file + rename: never half written). */
export class FileAuditAnchor implements AuditAnchor {
  readonly location: string;

  constructor(file: string) {
    this.location = resolve(file);
  }

  async read(): Promise<AuditHead | undefined> {
    let text: string;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseAuditHead(this.location, text);
  }

  async write(head: AuditHead): Promise<void> {
    const current = await this.read().catch(() => undefined);
    if (current && current.seq >= head.seq) return;
    await mkdir(dirname(this.location), { recursive: true });
    const temp = `${this.location}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(
        JSON.stringify({ seq: head.seq, hash: head.hash, exported_at: new Date().toISOString() }),
      );
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.location);
  }
}
