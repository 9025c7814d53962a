import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { AuditEntry } from '#src/governance/audit/audit-entry.ts';
import {
  AuditAppendTimeoutError,
  type AuditHead,
  type AuditSink,
  parseAuditHead,
  parseStoredEntry,
  type StoredAuditRecord,
} from '#src/governance/audit/audit-sink.ts';

export interface S3AuditSinkOptions {
  /** The Object Lock audit bucket. */
  readonly bucket: string;
  /** Prepended to every key; '' or ending in '/'. */
  readonly prefix?: string;
  readonly client?: S3Client;
  readonly clientConfig?: S3ClientConfig;
  /** Attempts at winning a seq before giving up. */
  readonly maxAttempts?: number;
}

const ENTRIES = 'entries/';
const HEAD = 'HEAD.json';

/**
 * The audit log in S3: one object per entry at `entries/<seq, 12 digits>.json`, written with
 * `If-None-Match: *`, so when two writers race for seq N exactly one PutObject succeeds and the
 * other gets 412 and re-reads the tail. In the Object Lock bucket (compliance mode) an entry can
 * be neither overwritten nor deleted within the retention period.
 *
 * `HEAD.json` is a hint (where to start looking for the tail) and the anchor verify compares the
 * chain's end against; it is written after the entry, so it may lag but never leads.
 */
export class S3AuditSink implements AuditSink {
  readonly location: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly client: S3Client;
  private readonly maxAttempts: number;

  constructor(options: S3AuditSinkOptions) {
    this.bucket = options.bucket;
    this.prefix =
      options.prefix && !options.prefix.endsWith('/') ? `${options.prefix}/` : (options.prefix ?? '');
    this.client = options.client ?? new S3Client(options.clientConfig ?? {});
    this.maxAttempts = options.maxAttempts ?? 50;
    this.location = `s3://${this.bucket}/${this.prefix}`;
  }

  async *records(): AsyncIterable<StoredAuditRecord> {
    for await (const key of this.entryKeys()) {
      const text = await this.getText(key);
      if (text !== undefined) yield { location: key, text: text.replace(/\n$/, '') };
    }
  }

  async head(): Promise<AuditHead | undefined> {
    const text = await this.getText(this.prefix + HEAD);
    if (text === undefined) return undefined;
    return parseAuditHead(this.prefix + HEAD, text);
  }

  async append(build: (last: AuditEntry | undefined) => AuditEntry): Promise<AuditEntry> {
    let wait = 5;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const last = await this.findTail();
      const entry = build(last);
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: this.entryKey(entry.seq),
            Body: `${JSON.stringify(entry)}\n`,
            ContentType: 'application/x-ndjson',
            IfNoneMatch: '*',
          }),
        );
      } catch (error) {
        if (!isLostRace(error)) throw error;
        await sleep(wait + Math.random() * wait);
        wait = Math.min(wait * 2, 200);
        continue;
      }
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + HEAD,
          Body: JSON.stringify({ seq: entry.seq, hash: entry.hash }),
          ContentType: 'application/json',
        }),
      );
      return entry;
    }
    throw new AuditAppendTimeoutError(this.location, `lost the race for a seq ${this.maxAttempts} times`);
  }

  private entryKey(seq: number): string {
    return `${this.prefix}${ENTRIES}${String(seq).padStart(12, '0')}.json`;
  }

  /** The last stored entry: start at the head hint and probe forward, since the head may lag. */
  private async findTail(): Promise<AuditEntry | undefined> {
    const hint = await this.head().catch(() => undefined);
    let last: { key: string; text: string } | undefined;
    if (hint) {
      const text = await this.getText(this.entryKey(hint.seq));
      if (text !== undefined) last = { key: this.entryKey(hint.seq), text };
    }
    if (!last) {
      for await (const key of this.entryKeys()) last = { key, text: '' };
      if (last) last = { key: last.key, text: (await this.getText(last.key)) ?? '' };
    }
    if (!last) return undefined;
    let entry = parseStoredEntry(last.key, last.text);
    for (;;) {
      const nextKey = this.entryKey(entry.seq + 1);
      const text = await this.getText(nextKey);
      if (text === undefined) return entry;
      entry = parseStoredEntry(nextKey, text);
    }
  }

  private async *entryKeys(): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + ENTRIES,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && /\/\d{12}\.json$/.test(object.Key)) yield object.Key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async getText(key: string): Promise<string | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return (await response.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

/** 412 PreconditionFailed: the seq is taken. 409 ConditionalRequestConflict: a concurrent write to it. */
function isLostRace(error: unknown): boolean {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata?.httpStatusCode;
    return status === 412 || status === 409 || error.name === 'PreconditionFailed';
  }
  const name = (error as { name?: string }).name;
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict';
}
