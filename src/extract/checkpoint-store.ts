import type { z } from 'zod';
import { type ObjectStore, PreconditionFailedError } from '#src/stores/object-store.ts';

export interface Checkpoint<S> {
  readonly state: S;
  /** Sequence number of the last page written: page keys stay unique across runs and restarts. */
  readonly pageSeq: number;
  readonly runId: string;
  readonly updatedAt: string;
}

/** A checkpoint as read: with the entity tag the next write must still find. */
export interface ReadCheckpoint<S> extends Checkpoint<S> {
  readonly etag: string;
}

/**
 * Another writer advanced this checkpoint since this run read it (two runs at once, or a stale
 * invocation resumed): this run stops the stream instead of overwriting the newer state.
 */
export class CheckpointConflictError extends Error {
  override readonly name = 'CheckpointConflictError';
  constructor(readonly key: string) {
    super(
      `Checkpoint ${key} was written by another run since this one read it; this stream stopped without ` +
        'overwriting it. Two extractions ran at once (the run lock prevents that for scheduled runs); ' +
        'the next run continues from the newer checkpoint.',
    );
  }
}

/** A checkpoint that exists but cannot be read: never guessed over, since that could skip records. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(
      `Checkpoint ${key} is unreadable (${detail}). Fix it, or delete it to extract that stream again from its start date.`,
    );
  }
}

/**
 * Per-stream state in the object store, at `state/checkpoints/<source>/<stream>.json`. Writes are
 * conditional (S3 `If-None-Match: *` for the first, `If-Match: <etag read>` after), so a concurrent
 * or stale writer fails with `CheckpointConflictError` instead of the last writer winning.
 */
export class CheckpointStore {
  constructor(private readonly store: ObjectStore) {}

  static key(source: string, stream: string): string {
    return `state/checkpoints/${source}/${stream}.json`;
  }

  async read<S>(
    source: string,
    stream: string,
    stateSchema: z.ZodType<S>,
  ): Promise<ReadCheckpoint<S> | undefined> {
    const key = CheckpointStore.key(source, stream);
    const tagged = await this.store.getTagged(key);
    if (!tagged) return undefined;
    const bytes = tagged.body;
    let json: { state?: unknown; pageSeq?: unknown; runId?: unknown; updatedAt?: unknown };
    try {
      json = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (error) {
      throw new CheckpointError(key, `not JSON: ${(error as Error).message}`);
    }
    const state = stateSchema.safeParse(json.state);
    if (!state.success) {
      throw new CheckpointError(
        key,
        state.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    if (typeof json.pageSeq !== 'number' || !Number.isInteger(json.pageSeq) || json.pageSeq < 0) {
      throw new CheckpointError(key, 'pageSeq is not a whole number');
    }
    return {
      state: state.data,
      pageSeq: json.pageSeq,
      runId: String(json.runId ?? ''),
      updatedAt: String(json.updatedAt ?? ''),
      etag: tagged.etag,
    };
  }

  /**
   * Write the checkpoint if it is still the version this writer last read or wrote (`previousEtag`;
   * `undefined`: there was none). Returns the new entity tag, the `previousEtag` of the next write.
   */
  async write<S>(
    source: string,
    stream: string,
    checkpoint: Checkpoint<S>,
    previousEtag: string | undefined,
  ): Promise<string> {
    const key = CheckpointStore.key(source, stream);
    const { state, pageSeq, runId, updatedAt } = checkpoint;
    try {
      return await this.store.putIf(
        key,
        `${JSON.stringify({ source, stream, state, pageSeq, runId, updatedAt }, null, 2)}\n`,
        previousEtag === undefined ? { ifNoneMatch: '*' } : { ifMatch: previousEtag },
        { contentType: 'application/json' },
      );
    } catch (error) {
      if (error instanceof PreconditionFailedError) throw new CheckpointConflictError(key);
      throw error;
    }
  }
}
