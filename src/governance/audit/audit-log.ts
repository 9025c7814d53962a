import { userInfo } from 'node:os';
import type { AuditAnchor } from './audit-anchor.ts';
import {
  type AuditEntry,
  type AuditEntryInput,
  auditEntryInputSchema,
  auditEntrySchema,
  entryHash,
  GENESIS_HASH,
  sha256Hex,
} from './audit-entry.ts';
import type { AuditHead, AuditSink, StoredAuditRecord } from './audit-sink.ts';

export interface AuditLogOptions {
  /** Default actor of entries that name none: the OS user locally, the function name in Lambda. */
  readonly actor?: string;
  /** Time source of entries; tests pass a fixed clock. */
  readonly clock?: () => Date;
  /**
   * The chain key (HMAC-SHA256), or a function resolving it from the secrets store on first use.
   * Without one the chain is plain SHA-256, which anyone who can write the log can recompute.
   */
  readonly key?: string | (() => Promise<string>);
  /** Where the head is exported after every append, outside the log's folder. */
  readonly anchor?: AuditAnchor;
}

/** The first entry that breaks the chain, and why. */
export interface AuditBreak {
  /** The seq the chain expected at this place (the missing, edited, reordered or forged one). */
  readonly seq: number;
  /** Where the offending record is stored, or the end of the log for a truncated tail. */
  readonly location: string;
  readonly reason: string;
}

export type AuditVerification =
  | {
      readonly ok: true;
      readonly location: string;
      readonly entries: number;
      readonly head?: AuditHead;
      /** Entries after the head anchor (a writer died before moving it, or a race on S3 let it lag). */
      readonly unanchored: number;
      /** The external anchor checked, if one is configured, and the head it holds. */
      readonly anchor?: { readonly location: string; readonly head?: AuditHead };
      /** Damaged records (half-written lines) an operator acknowledged with an audited entry. */
      readonly acknowledged: readonly string[];
    }
  | {
      readonly ok: false;
      readonly location: string;
      /** Entries verified intact before the break. */
      readonly entries: number;
      readonly broken: AuditBreak;
    };

/** Bad input to `append`: a field is missing or details look like secrets or personal data. */
export class AuditEntryError extends Error {
  override readonly name = 'AuditEntryError';
  constructor(issues: readonly { path: string; message: string }[]) {
    super(
      `Invalid audit entry: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}. ` +
        'Fix the call; nothing was written.',
    );
  }
}

/**
 * The tamper-evident audit log: append-only entries, each carrying the SHA-256 of the previous
 * entry with its own content (`hash = sha256(prev_hash + canonical JSON of the entry)`).
 *
 * Pipeline stages, queries, exports and retention append through `append` (or `record`, which
 * times a piece of work and audits its outcome). `verify` walks the whole chain.
 */
export class AuditLog {
  readonly sink: AuditSink;
  readonly anchor?: AuditAnchor;
  private readonly actor: string;
  private readonly clock: () => Date;
  private readonly keySource?: string | (() => Promise<string>);
  private resolvedKey?: Promise<string | undefined>;

  constructor(sink: AuditSink, options: AuditLogOptions = {}) {
    this.sink = sink;
    this.anchor = options.anchor;
    this.actor = options.actor ?? defaultActor();
    this.clock = options.clock ?? (() => new Date());
    this.keySource = options.key;
  }

  /** The chain key, resolved once (a failure is not cached, so a later call may succeed). */
  /** The entry that follows `last`: numbered, timed, linked to its hash and hashed with the key. */
  private chained(
    input: ReturnType<typeof auditEntryInputSchema.parse>,
    last: AuditEntry | undefined,
    key: string | undefined,
  ): AuditEntry {
    const { actor, ...rest } = input;
    const content = {
      seq: (last?.seq ?? 0) + 1,
      time: this.clock().toISOString(),
      actor: actor ?? this.actor,
      ...rest,
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    return { ...content, hash: entryHash(content, key) };
  }

  private async key(): Promise<string | undefined> {
    const source = this.keySource;
    if (source === undefined || typeof source === 'string') return source;
    this.resolvedKey ??= source().catch((error: unknown) => {
      this.resolvedKey = undefined;
      throw error;
    });
    return this.resolvedKey;
  }

  get location(): string {
    return this.sink.location;
  }

  /** Append one entry; resolves once it is durable and chained. */
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const parsed = auditEntryInputSchema.safeParse(input);
    if (!parsed.success)
      throw new AuditEntryError(
        parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      );
    const key = await this.key();
    const entry = await this.sink.append((last) => this.chained(parsed.data, last, key));
    await this.anchor?.write({ seq: entry.seq, hash: entry.hash });
    return entry;
  }

  /**
   * Run `work` as an audited privileged action: a `started` entry is made durable first (if it
   * cannot be written, `work` never starts, so nothing happens unaudited), then the outcome —
   * success with the counts `summarise` derives from the result, or failure with the error's name —
   * naming the started entry. A process killed in between leaves the `started` entry alone, which
   * `audit show` lists as an action without an outcome. The work's error is rethrown after it is
   * audited.
   */
  async record<T>(
    input: Omit<AuditEntryInput, 'outcome'>,
    work: (start: AuditEntry) => Promise<T>,
    summarise?: (result: T) => Record<string, number>,
  ): Promise<T> {
    const start = await this.append({ ...input, outcome: 'started' });
    const started = Date.now();
    const details = { ...input.details, started_seq: start.seq };
    let result: T;
    try {
      result = await work(start);
    } catch (error) {
      await this.append({
        ...input,
        outcome: 'failure',
        counts: { ...input.counts, duration_ms: Date.now() - started },
        details: { ...details, error: (error as Error)?.name ?? 'Error' },
      }).catch((auditError: unknown) => {
        // The action is over either way; say so on the way out rather than hide the first error.
        if (error instanceof Error)
          error.message += ` (and its failure could not be audited: ${(auditError as Error).message})`;
      });
      throw error;
    }
    await this.append({
      ...input,
      outcome: 'success',
      counts: { ...input.counts, ...summarise?.(result), duration_ms: Date.now() - started },
      details,
    });
    return result;
  }

  /**
   * Record, as an audited entry of its own, that an operator investigated a damaged last record (a
   * half-written line) and lets the log continue past it. The damaged bytes stay where they are;
   * the entry names their location and SHA-256, and `verify` accepts that one record from then on.
   */
  async acknowledge(input: {
    readonly actor?: string;
    readonly role: AuditEntryInput['role'];
    readonly reason: string;
  }): Promise<AuditEntry> {
    const sink = this.sink;
    if (!sink.acknowledgeDamage)
      throw new Error(
        `The audit log at ${sink.location} stores each entry atomically; a damaged entry there is no interrupted write and cannot be acknowledged.`,
      );
    if (input.reason.trim() === '') throw new AuditEntryError([{ path: 'reason', message: 'say why' }]);
    const key = await this.key();
    const entry = await sink.acknowledgeDamage((last, damaged) => {
      const parsed = auditEntryInputSchema.parse({
        actor: input.actor,
        role: input.role,
        action: 'audit.acknowledge',
        target: damaged.location,
        outcome: 'success',
        details: {
          damaged_location: damaged.location,
          damaged_sha256: sha256Hex(damaged.text),
          damaged_bytes: Buffer.byteLength(damaged.text),
          reason: input.reason,
        },
      });
      return this.chained(parsed, last, key);
    });
    await this.anchor?.write({ seq: entry.seq, hash: entry.hash });
    return entry;
  }

  /** Every entry in order, parsed; records that are not valid entries are skipped (verify names them). */
  async *entries(): AsyncIterable<AuditEntry> {
    for await (const record of this.sink.records()) {
      let json: unknown;
      try {
        json = JSON.parse(record.text);
      } catch {
        continue;
      }
      const parsed = auditEntrySchema.safeParse(json);
      if (parsed.success) yield parsed.data;
    }
  }

  /** The last `n` entries. */
  async tail(n: number): Promise<AuditEntry[]> {
    const kept: AuditEntry[] = [];
    for await (const entry of this.entries()) {
      kept.push(entry);
      if (kept.length > n) kept.shift();
    }
    return kept;
  }

  /**
   * Prove the chain intact, or name the first broken entry (by seq and location) and why. Never
   * throws on what it reads: unreadable files, garbage, a corrupt head or anchor are each a break.
   */
  async verify(): Promise<AuditVerification> {
    const progress = { entries: 0 };
    try {
      return await this.verifyChain(progress);
    } catch (error) {
      return {
        ok: false,
        location: this.sink.location,
        entries: progress.entries,
        broken: {
          seq: progress.entries + 1,
          location: (error as { location?: string }).location ?? this.sink.location,
          reason: `the log could not be read: ${(error as Error)?.message ?? String(error)}`,
        },
      };
    }
  }

  private async verifyChain(progress: { entries: number }): Promise<AuditVerification> {
    const location = this.sink.location;
    const key = await this.key();
    let expected = 1;
    let prevHash = GENESIS_HASH;
    const hashes = new Map<number, string>();
    const acknowledged: string[] = [];
    let damaged: { record: StoredAuditRecord; reason: string } | undefined;
    const broken = (at: string, reason: string, seq = expected): AuditVerification => ({
      ok: false,
      location,
      entries: expected - 1,
      broken: { seq, location: at, reason },
    });

    for await (const record of this.sink.records()) {
      const checked = checkRecord(record);
      if (typeof checked === 'string') {
        // One damaged record may be followed by the operator's acknowledgement of it; two may not.
        if (damaged) return broken(damaged.record.location, damaged.reason);
        damaged = { record, reason: checked };
        continue;
      }
      const entry = checked;
      if (damaged) {
        const details = entry.details;
        const acknowledges =
          entry.action === 'audit.acknowledge' &&
          details.damaged_location === damaged.record.location &&
          details.damaged_sha256 === sha256Hex(damaged.record.text) &&
          // Locally the damaged line took no seq; on a store of one object per seq it took one.
          (entry.seq === expected || entry.seq === expected + 1);
        if (!acknowledges) return broken(damaged.record.location, damaged.reason);
        acknowledged.push(damaged.record.location);
        expected = entry.seq;
        damaged = undefined;
      }
      if (entry.seq !== expected) {
        const reason =
          entry.seq > expected
            ? `found seq ${entry.seq} where seq ${expected} was expected: entry ${expected} was deleted or moved`
            : `found seq ${entry.seq} after seq ${expected - 1}: entries reordered or duplicated`;
        return broken(record.location, reason);
      }
      if (entry.prev_hash !== prevHash)
        return broken(
          record.location,
          expected === 1
            ? 'prev_hash of the first entry is not the genesis hash: entries before it were removed or it was forged'
            : `prev_hash does not match the hash of seq ${expected - 1}: this entry was forged outside the chain, or seq ${expected - 1} was rewritten`,
        );
      if (entryHash(entry, key) !== entry.hash)
        return broken(
          record.location,
          key !== undefined && entryHash(entry) === entry.hash
            ? 'the entry carries a plain SHA-256, not the keyed HMAC: it was recomputed by someone without the audit key (or written before the log was keyed)'
            : 'content does not match its hash: the entry was edited',
        );
      hashes.set(entry.seq, entry.hash);
      prevHash = entry.hash;
      expected += 1;
      progress.entries = expected - 1;
    }

    if (damaged)
      return broken(
        damaged.record.location,
        `${damaged.reason}. Appends stop here until an operator investigates and runs ` +
          '`warehouse audit acknowledge --reason "..."` (itself audited)',
      );

    const last = expected - 1;
    const head = await this.sink.head();
    const anchors: { name: string; head: AuditHead }[] = head ? [{ name: 'head anchor', head }] : [];
    const anchorHead = this.anchor ? await this.anchor.read() : undefined;
    if (this.anchor && anchorHead)
      anchors.push({ name: `external anchor ${this.anchor.location}`, head: anchorHead });
    for (const { name, head: anchored } of anchors) {
      if (anchored.seq > last)
        return broken(
          `end of log (after seq ${last})`,
          `the log ends at seq ${last} but its ${name} records seq ${anchored.seq}: ` +
            `entries ${last + 1}..${anchored.seq} were removed (tail truncated)`,
          last + 1,
        );
      if (hashes.get(anchored.seq) !== anchored.hash)
        return broken(
          `seq ${anchored.seq}`,
          `the ${name}'s hash differs from entry ${anchored.seq}: the chain was rewritten from there`,
          anchored.seq,
        );
    }
    return {
      ok: true,
      location,
      entries: last,
      head,
      unanchored: head ? last - head.seq : last,
      ...(this.anchor ? { anchor: { location: this.anchor.location, head: anchorHead } } : {}),
      acknowledged,
    };
  }
}

/** A stored record parsed into an entry, or why it is not one. */
function checkRecord(record: StoredAuditRecord): AuditEntry | string {
  let json: unknown;
  try {
    json = JSON.parse(record.text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const parsed = auditEntrySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `not a valid entry: ${issue?.path.map(String).join('.') || '(root)'} ${issue?.message ?? ''}`.trim();
  }
  return parsed.data;
}

function defaultActor(): string {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) return process.env.AWS_LAMBDA_FUNCTION_NAME;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
