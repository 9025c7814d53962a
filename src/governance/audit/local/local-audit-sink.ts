import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditEntry } from '#src/governance/audit/audit-entry.ts';
import {
  AuditAppendTimeoutError,
  type AuditHead,
  AuditLogCorruptError,
  type AuditSink,
  parseAuditHead,
  parseStoredEntry,
  type StoredAuditRecord,
} from '#src/governance/audit/audit-sink.ts';

export interface LocalAuditSinkOptions {
  /** Folder holding `segments/`, `HEAD.json` and the lock file. */
  readonly dir: string;
  /** Entries per segment file before a new one starts. */
  readonly segmentSize?: number;
  /** A lock older than this (or whose process on this host is gone) is taken over. */
  readonly staleLockMs?: number;
  /** Give up waiting for the lock after this long. */
  readonly lockTimeoutMs?: number;
}

interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly nonce: string;
  readonly at: number;
}

const SEGMENTS = 'segments';
const LOCK = 'append.lock';
const HEAD = 'HEAD.json';

/**
 * The audit log in a local folder: JSON-lines segment files named by the seq of their first entry
 * (`segments/000000000001.jsonl`), so name order is chain order whatever clock wrote them.
 *
 * Writers in several processes serialise on `append.lock`, created with O_EXCL. A lock whose owner
 * died (same host, pid gone) or that is older than `staleLockMs` is recovered by renaming it aside
 * and checking it was the one judged stale, so two recoverers cannot both take over.
 */
export class LocalAuditSink implements AuditSink {
  readonly dir: string;
  readonly location: string;
  private readonly segmentSize: number;
  private readonly staleLockMs: number;
  private readonly lockTimeoutMs: number;

  constructor(options: LocalAuditSinkOptions) {
    this.dir = resolve(options.dir);
    this.location = this.dir;
    this.segmentSize = options.segmentSize ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  }

  async *records(): AsyncIterable<StoredAuditRecord> {
    for (const name of await this.segmentNames()) {
      const text = await readFile(join(this.dir, SEGMENTS, name), 'utf8');
      const lines = text.split('\n');
      if (lines.at(-1) === '') lines.pop();
      for (const [index, line] of lines.entries()) {
        yield { location: `${SEGMENTS}/${name}:${index + 1}`, text: line };
      }
    }
  }

  async head(): Promise<AuditHead | undefined> {
    const path = join(this.dir, HEAD);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new AuditLogCorruptError(path, `head anchor unreadable: ${(error as Error).message}`);
    }
    return parseAuditHead(path, text);
  }

  async append(build: (last: AuditEntry | undefined) => AuditEntry): Promise<AuditEntry> {
    await mkdir(join(this.dir, SEGMENTS), { recursive: true });
    const lock = await this.acquireLock();
    try {
      const tail = await this.readTail();
      if (tail.damaged) throw new AuditLogCorruptError(tail.damaged.path, tail.damaged.reason);
      return await this.write(build(tail.last), tail.segment, tail.lines, tail.unterminated ? '\n' : '');
    } finally {
      await this.releaseLock(lock);
    }
  }

  async acknowledgeDamage(
    build: (last: AuditEntry | undefined, damaged: StoredAuditRecord) => AuditEntry,
  ): Promise<AuditEntry> {
    await mkdir(join(this.dir, SEGMENTS), { recursive: true });
    const lock = await this.acquireLock();
    try {
      const tail = await this.readTail();
      if (!tail.damaged)
        throw new Error(
          `The audit log at ${this.location} ends with an intact entry: nothing to acknowledge.`,
        );
      if (tail.damaged.previousDamaged)
        throw new AuditLogCorruptError(
          tail.damaged.path,
          'more than one damaged record at the end of the log: that is no interrupted write; restore the log',
        );
      const entry = build(tail.last, tail.damaged.record);
      // The damaged bytes stay where they are; a newline ends them so the acknowledgement is a line of its own.
      return await this.write(entry, tail.segment, tail.lines, tail.damaged.unterminated ? '\n' : '');
    } finally {
      await this.releaseLock(lock);
    }
  }

  private async write(
    entry: AuditEntry,
    segment: string | undefined,
    lines: number,
    prefix: string,
  ): Promise<AuditEntry> {
    const name =
      segment && lines < this.segmentSize ? segment : `${String(entry.seq).padStart(12, '0')}.jsonl`;
    const handle = await open(join(this.dir, SEGMENTS, name), 'a');
    try {
      await handle.write(`${prefix}${JSON.stringify(entry)}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await this.writeHead({ seq: entry.seq, hash: entry.hash });
    return entry;
  }

  private async segmentNames(): Promise<string[]> {
    try {
      return (await readdir(join(this.dir, SEGMENTS))).filter((n) => /^\d{12}\.jsonl$/.test(n)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /**
   * The last intact entry and, when the log ends in a record that is not one (a writer died
   * mid-line, or someone wrote garbage), that damaged record. Nothing is cut or rewritten: an
   * append refuses to chain past damage until an operator acknowledges it.
   */
  private async readTail(): Promise<{
    last?: AuditEntry;
    segment?: string;
    lines: number;
    unterminated?: boolean;
    damaged?: {
      record: StoredAuditRecord;
      path: string;
      reason: string;
      unterminated: boolean;
      previousDamaged: boolean;
    };
  }> {
    const names = await this.segmentNames();
    const segment = names.at(-1);
    if (!segment) return { lines: 0 };
    const text = await readFile(join(this.dir, SEGMENTS, segment), 'utf8');
    const unterminated = text.length > 0 && !text.endsWith('\n');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const parse = (index: number): AuditEntry | string => {
      try {
        return parseStoredEntry(`${SEGMENTS}/${segment}:${index + 1}`, lines[index] ?? '');
      } catch (error) {
        return (error as Error).message;
      }
    };
    const lastIndex = lines.length - 1;
    const lastParsed = lastIndex >= 0 ? parse(lastIndex) : undefined;
    if (lastParsed === undefined) return { segment, lines: 0 };
    // A complete entry whose newline never made it: intact, ended with a newline by the next write.
    if (typeof lastParsed !== 'string')
      return { last: lastParsed, segment, lines: lines.length, unterminated };
    const location = `${SEGMENTS}/${segment}:${lastIndex + 1}`;
    let last: AuditEntry | undefined;
    let previousDamaged = false;
    if (lastIndex >= 1) {
      const before = parse(lastIndex - 1);
      if (typeof before === 'string') previousDamaged = true;
      else last = before;
    } else {
      last = await this.lastEntryOf(names.at(-2));
    }
    return {
      last,
      segment,
      lines: lines.length,
      damaged: {
        record: { location, text: lines[lastIndex] ?? '' },
        path: join(this.dir, location),
        reason: unterminated
          ? 'half-written last line (a writer died before finishing it)'
          : typeof lastParsed === 'string'
            ? lastParsed
            : 'damaged last line',
        unterminated,
        previousDamaged,
      },
    };
  }

  private async lastEntryOf(segment: string | undefined): Promise<AuditEntry | undefined> {
    if (!segment) return undefined;
    const lines = (await readFile(join(this.dir, SEGMENTS, segment), 'utf8')).split('\n').filter(Boolean);
    const line = lines.at(-1);
    return line === undefined ? undefined : parseStoredEntry(`${SEGMENTS}/${segment}:${lines.length}`, line);
  }

  private async writeHead(head: AuditHead): Promise<void> {
    const temp = join(this.dir, `${HEAD}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(head));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(this.dir, HEAD));
  }

  private async acquireLock(): Promise<LockContent> {
    const path = join(this.dir, LOCK);
    const mine: LockContent = {
      pid: process.pid,
      host: hostname(),
      nonce: randomBytes(8).toString('hex'),
      at: Date.now(),
    };
    const deadline = Date.now() + this.lockTimeoutMs;
    let wait = 2;
    for (;;) {
      try {
        const handle = await open(path, 'wx');
        try {
          await handle.writeFile(JSON.stringify(mine));
        } finally {
          await handle.close();
        }
        return mine;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      await this.recoverIfStale(path);
      if (Date.now() > deadline)
        throw new AuditAppendTimeoutError(
          this.location,
          `lock ${path} held for over ${this.lockTimeoutMs} ms`,
        );
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 50);
    }
  }

  private async recoverIfStale(path: string): Promise<void> {
    let held: LockContent;
    try {
      held = JSON.parse(await readFile(path, 'utf8')) as LockContent;
    } catch {
      // Missing (just released) or half-written by a writer that is creating it right now: if it
      // stays unreadable past the stale age, its mtime says so.
      try {
        const info = await stat(path);
        if (Date.now() - info.mtimeMs < this.staleLockMs) return;
        held = { pid: -1, host: '', nonce: '', at: info.mtimeMs };
      } catch {
        return;
      }
    }
    const ownerGone = held.host === hostname() && held.pid > 0 && !processAlive(held.pid);
    if (!ownerGone && Date.now() - held.at < this.staleLockMs) return;
    const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await rename(path, aside);
    } catch {
      return; // someone else recovered it first
    }
    let moved: LockContent | undefined;
    try {
      moved = JSON.parse(await readFile(aside, 'utf8')) as LockContent;
    } catch {
      moved = undefined;
    }
    if (moved && moved.nonce !== held.nonce) {
      // Between our read and our rename a live writer took the lock: put it back (link fails if a
      // third writer holds the name now, in which case the live owner detects it on release).
      await link(aside, path).catch(() => undefined);
    }
    await rm(aside, { force: true });
  }

  private async releaseLock(lock: LockContent): Promise<void> {
    const path = join(this.dir, LOCK);
    try {
      const held = JSON.parse(await readFile(path, 'utf8')) as LockContent;
      if (held.nonce === lock.nonce) await rm(path, { force: true });
    } catch {
      /* already gone: taken over as stale, nothing of ours to release */
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
