import * as z from 'zod';
import { type AuditEntry, auditEntrySchema } from './audit-entry.ts';

/** One stored entry as written, before it is parsed: verify must see tampered text as it is. */
export interface StoredAuditRecord {
  /** Where it is: `segments/000000000001.jsonl:17` locally, the object key on S3. */
  readonly location: string;
  readonly text: string;
}

/** The head anchor: the last seq and hash a writer acknowledged, kept apart from the entries. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * Where the audit log lives. Two implementations share this contract: `local/local-audit-sink.ts`
 * (JSON-lines segments in a folder, an O_EXCL lock file between processes) and
 * `s3/s3-audit-sink.ts` (one object per entry, written with `If-None-Match: *`, in the Object Lock
 * audit bucket). Both guarantee that two writers never both take the same seq.
 */
export interface AuditSink {
  /** Human-readable location for messages (`/var/state/audit`, `s3://bucket/prefix`). */
  readonly location: string;
  /** Every stored record, in seq order as the sink orders them (file order / key order). */
  records(): AsyncIterable<StoredAuditRecord>;
  /**
   * Append the entry `build` makes from the last stored entry (undefined for an empty log), as the
   * only writer of that seq. `build` may be called again if another writer won the seq first.
   */
  append(build: (last: AuditEntry | undefined) => AuditEntry): Promise<AuditEntry>;
  /** The head anchor, if any writer has acknowledged an entry. */
  head(): Promise<AuditHead | undefined>;
  /**
   * Chain an acknowledgement onto a damaged last record (a half-written line) without touching its
   * bytes: `build` gets the last intact entry and the damaged record. Throws when the tail is intact.
   * Absent where a half-written record cannot occur (S3: each entry is one atomic PutObject).
   */
  acknowledgeDamage?(
    build: (last: AuditEntry | undefined, damaged: StoredAuditRecord) => AuditEntry,
  ): Promise<AuditEntry>;
}

/** A stored head: seq and hash, nothing else trusted. */
export const auditHeadSchema = z.object({
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Parse a head file's text; throws AuditLogCorruptError naming `location` when it is not one. */
export function parseAuditHead(location: string, text: string): AuditHead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AuditLogCorruptError(location, `head anchor is not JSON: ${(error as Error).message}`);
  }
  const parsed = auditHeadSchema.safeParse(json);
  if (!parsed.success)
    throw new AuditLogCorruptError(location, 'head anchor is not {"seq": <positive integer>, "hash": <hex>}');
  return { seq: parsed.data.seq, hash: parsed.data.hash };
}

/** The stored tail cannot be chained onto: someone must run `warehouse audit verify` and investigate. */
export class AuditLogCorruptError extends Error {
  override readonly name = 'AuditLogCorruptError';
  constructor(
    readonly location: string,
    reason: string,
  ) {
    super(
      `The audit log's last entry at ${location} cannot be read (${reason}); nothing was appended. ` +
        'Run `warehouse audit verify` to find the first broken entry. A half-written last entry (a writer ' +
        'died mid-write) stays as it is: after investigating, record that with ' +
        '`warehouse audit acknowledge --reason "..."`; anything else: restore the log before writing again.',
    );
  }
}

/** Could not win an append after many attempts (lock held, or seq contention on S3). */
export class AuditAppendTimeoutError extends Error {
  override readonly name = 'AuditAppendTimeoutError';
  constructor(location: string, detail: string) {
    super(
      `Could not append to the audit log at ${location}: ${detail}. ` +
        'Another writer holds it; if none is running, remove the stale lock file and retry.',
    );
  }
}

/** One stored entry, parsed and checked; `location` (file:line or object key) names it in the error. */
export function parseStoredEntry(location: string, text: string): AuditEntry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AuditLogCorruptError(location, `not JSON: ${(error as Error).message}`);
  }
  const parsed = auditEntrySchema.safeParse(json);
  if (!parsed.success) throw new AuditLogCorruptError(location, parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}
