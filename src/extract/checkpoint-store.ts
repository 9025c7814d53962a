import type { z } from 'zod';
import type { ObjectStore } from '#src/stores/object-store.ts';

export interface Checkpoint<S> {
  readonly state: S;
  /** Sequence number of the last page written: page keys stay unique across runs and restarts. */
  readonly pageSeq: number;
  readonly runId: string;
  readonly updatedAt: string;
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

/** Per-stream state in the object store, at `state/checkpoints/<source>/<stream>.json`. */
export class CheckpointStore {
  constructor(private readonly store: ObjectStore) {}

  static key(source: string, stream: string): string {
    return `state/checkpoints/${source}/${stream}.json`;
  }

  async read<S>(
    source: string,
    stream: string,
    stateSchema: z.ZodType<S>,
  ): Promise<Checkpoint<S> | undefined> {
    const key = CheckpointStore.key(source, stream);
    const bytes = await this.store.get(key);
    if (!bytes) return undefined;
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
    };
  }

  async write<S>(source: string, stream: string, checkpoint: Checkpoint<S>): Promise<void> {
    await this.store.put(
      CheckpointStore.key(source, stream),
      `${JSON.stringify({ source, stream, ...checkpoint }, null, 2)}\n`,
      { contentType: 'application/json' },
    );
  }
}
