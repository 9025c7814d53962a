import * as z from 'zod';
import type { ObjectStore } from '#src/stores/object-store.ts';

/**
 * What the last retention left behind that the model runner must respect, kept in the lake beside
 * the KPI version: aggregates of the months before `frozenBefore` were computed from facts that are
 * gone, so they are kept as they were (never recomputed, not even by a full rebuild).
 */
export const RETENTION_STATE_KEY = 'state/retention.json';

const retentionStateSchema = z.object({
  /** `YYYY-MM`: partitions of KPI marts (replace_partitions models) before this month are frozen. */
  frozenBefore: z.string().regex(/^\d{4}-\d{2}$/),
  /** Tickets created before this were deleted (held ones excepted). */
  ticketCutoff: z.string(),
  appliedAt: z.string(),
  runId: z.string().optional(),
});
export type RetentionState = z.infer<typeof retentionStateSchema>;

export async function readRetentionState(store: ObjectStore): Promise<RetentionState | undefined> {
  const body = await store.get(RETENTION_STATE_KEY);
  if (!body) return undefined;
  const parsed = retentionStateSchema.safeParse(JSON.parse(Buffer.from(body).toString('utf8')));
  if (!parsed.success)
    throw new Error(`${RETENTION_STATE_KEY} is not a retention state: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Record a retention; the frozen month only ever moves forward. */
export async function writeRetentionState(
  store: ObjectStore,
  state: RetentionState,
): Promise<RetentionState> {
  const previous = await readRetentionState(store).catch(() => undefined);
  const merged =
    previous && previous.frozenBefore > state.frozenBefore
      ? { ...state, frozenBefore: previous.frozenBefore }
      : state;
  await store.put(RETENTION_STATE_KEY, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}

/** Whether a partition value is a month before the frozen one. */
export function isFrozenPartition(value: string, frozenBefore: string | undefined): boolean {
  return frozenBefore !== undefined && /^\d{4}-\d{2}$/.test(value) && value < frozenBefore;
}
