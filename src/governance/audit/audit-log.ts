import { userInfo } from 'node:os';
import {
  type AuditEntry,
  type AuditEntryInput,
  auditEntryInputSchema,
  auditEntrySchema,
  entryHash,
  GENESIS_HASH,
} from './audit-entry.ts';
import type { AuditHead, AuditSink } from './audit-sink.ts';

export interface AuditLogOptions {
  /** Default actor of entries that name none: the OS user locally, the function name in Lambda. */
  readonly actor?: string;
  /** Time source of entries; tests pass a fixed clock. */
  readonly clock?: () => Date;
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
  private readonly actor: string;
  private readonly clock: () => Date;

  constructor(sink: AuditSink, options: AuditLogOptions = {}) {
    this.sink = sink;
    this.actor = options.actor ?? defaultActor();
    this.clock = options.clock ?? (() => new Date());
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
    const { actor, ...rest } = parsed.data;
    return this.sink.append((last) => {
      const content = {
        seq: (last?.seq ?? 0) + 1,
        time: this.clock().toISOString(),
        actor: actor ?? this.actor,
        ...rest,
        prev_hash: last?.hash ?? GENESIS_HASH,
      };
      return { ...content, hash: entryHash(content) };
    });
  }

  /**
   * Run `work` and audit it: outcome success with the counts `summarise` derives from its result,
   * or failure with the error's name. The error is rethrown after it is audited.
   */
  async record<T>(
    input: Omit<AuditEntryInput, 'outcome'>,
    work: () => Promise<T>,
    summarise?: (result: T) => Record<string, number>,
  ): Promise<T> {
    const started = Date.now();
    try {
      const result = await work();
      await this.append({
        ...input,
        outcome: 'success',
        counts: { ...input.counts, ...summarise?.(result), duration_ms: Date.now() - started },
      });
      return result;
    } catch (error) {
      await this.append({
        ...input,
        outcome: 'failure',
        counts: { ...input.counts, duration_ms: Date.now() - started },
        details: { ...input.details, error: (error as Error).name ?? 'Error' },
      });
      throw error;
    }
  }

  /** Every entry in order, parsed; stops at the first record that is not a valid entry. */
  async *entries(): AsyncIterable<AuditEntry> {
    for await (const record of this.sink.records()) {
      let json: unknown;
      try {
        json = JSON.parse(record.text);
      } catch {
        return;
      }
      const parsed = auditEntrySchema.safeParse(json);
      if (!parsed.success) return;
      yield parsed.data;
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

  /** Prove the chain intact, or name the first broken entry (by seq and location) and why. */
  async verify(): Promise<AuditVerification> {
    const location = this.sink.location;
    let expected = 1;
    let prevHash = GENESIS_HASH;
    const hashes = new Map<number, string>();
    const broken = (at: string, reason: string, seq = expected): AuditVerification => ({
      ok: false,
      location,
      entries: expected - 1,
      broken: { seq, location: at, reason },
    });

    for await (const record of this.sink.records()) {
      let json: unknown;
      try {
        json = JSON.parse(record.text);
      } catch (error) {
        return broken(record.location, `not valid JSON (${(error as Error).message})`);
      }
      const parsed = auditEntrySchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return broken(
          record.location,
          `not a valid entry: ${issue?.path.map(String).join('.') || '(root)'} ${issue?.message ?? ''}`.trim(),
        );
      }
      const entry = parsed.data;
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
      const recomputed = entryHash(entry);
      if (recomputed !== entry.hash)
        return broken(record.location, 'content does not match its hash: the entry was edited');
      hashes.set(entry.seq, entry.hash);
      prevHash = entry.hash;
      expected += 1;
    }

    const last = expected - 1;
    const head = await this.sink.head();
    if (head && head.seq > last)
      return broken(
        `end of log (after seq ${last})`,
        `the log ends at seq ${last} but its head anchor records seq ${head.seq}: ` +
          `entries ${last + 1}..${head.seq} were removed (tail truncated)`,
        last + 1,
      );
    if (head && hashes.get(head.seq) !== head.hash)
      return broken(
        `seq ${head.seq}`,
        `the head anchor's hash differs from entry ${head.seq}: the chain was rewritten from there`,
        head.seq,
      );
    return { ok: true, location, entries: last, head, unanchored: head ? last - head.seq : last };
  }
}

function defaultActor(): string {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) return process.env.AWS_LAMBDA_FUNCTION_NAME;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
