import * as z from 'zod';
import type { ExtractManifest } from '#src/extract/extract-manifest.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/**
 * Each stream's record of completeness across runs, at `state/stream-health.json`: when it last
 * extracted to its end, and since when it has been failing. A run that publishes with streams
 * missing says "missing since" from here, so a reader knows how old that source's data is.
 */
export const STREAM_HEALTH_KEY = 'state/stream-health.json';

const streamHealthSchema = z.strictObject({
  source: z.string(),
  stream: z.string(),
  /** Start of the last run in which the stream read to its end, or null if it never did. */
  lastSucceededAt: z.iso.datetime().nullable(),
  lastSucceededRunId: z.string().nullable(),
  /** Start of the first run of the current failure streak, or null when the stream is healthy. */
  failingSince: z.iso.datetime().nullable(),
  failingSinceRunId: z.string().nullable(),
  /** Why it stopped in its latest failed run (secrets already redacted by the extractor). */
  lastError: z.string().nullable(),
});
export type StreamHealth = z.infer<typeof streamHealthSchema>;

const streamHealthFileSchema = z.strictObject({
  format: z.literal('support-kpi-warehouse/stream-health@1'),
  streams: z.array(streamHealthSchema),
});

/** A stream a run did not read to its end: what a partial publication carries everywhere. */
export const missingStreamSchema = z.strictObject({
  source: z.string(),
  stream: z.string(),
  /** Why it stopped in this run. */
  error: z.string(),
  /** Start of the first run of its current failure streak: its data is incomplete since then. */
  missingSince: z.iso.datetime(),
  /** Start of its last complete extraction, or null if it never completed. */
  lastSucceededAt: z.iso.datetime().nullable(),
});
export type MissingStream = z.infer<typeof missingStreamSchema>;

export async function readStreamHealth(store: ObjectStore): Promise<StreamHealth[]> {
  const bytes = await store.get(STREAM_HEALTH_KEY);
  if (!bytes) return [];
  const parsed = streamHealthFileSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  // A damaged health file only loses history ("missing since" restarts at this run); never fatal.
  return parsed.success ? parsed.data.streams : [];
}

/**
 * Fold one extraction into the health record and write it; returns the streams this run left
 * incomplete, each with the start of its failure streak.
 */
export async function recordStreamHealth(
  store: ObjectStore,
  manifest: ExtractManifest,
): Promise<MissingStream[]> {
  const byKey = new Map((await readStreamHealth(store)).map((h) => [`${h.source}/${h.stream}`, h]));
  const missing: MissingStream[] = [];
  for (const s of manifest.streams) {
    const key = `${s.source}/${s.stream}`;
    const before = byKey.get(key);
    if (s.status === 'succeeded') {
      byKey.set(key, {
        source: s.source,
        stream: s.stream,
        lastSucceededAt: manifest.startedAt,
        lastSucceededRunId: manifest.runId,
        failingSince: null,
        failingSinceRunId: null,
        lastError: null,
      });
      continue;
    }
    const error = s.error ?? (s.status === 'aborted' ? 'stopped before its end' : 'failed');
    const health: StreamHealth = {
      source: s.source,
      stream: s.stream,
      lastSucceededAt: before?.lastSucceededAt ?? null,
      lastSucceededRunId: before?.lastSucceededRunId ?? null,
      failingSince: before?.failingSince ?? manifest.startedAt,
      failingSinceRunId: before?.failingSinceRunId ?? manifest.runId,
      lastError: error,
    };
    byKey.set(key, health);
    missing.push({
      source: s.source,
      stream: s.stream,
      error,
      missingSince: health.failingSince!,
      lastSucceededAt: health.lastSucceededAt,
    });
  }
  const file = {
    format: 'support-kpi-warehouse/stream-health@1' as const,
    streams: [...byKey.values()].sort((a, b) =>
      `${a.source}/${a.stream}`.localeCompare(`${b.source}/${b.stream}`),
    ),
  };
  await store.put(STREAM_HEALTH_KEY, `${JSON.stringify(file, null, 2)}\n`, {
    contentType: 'application/json',
  });
  return missing;
}

/** One line per missing stream, for logs, errors and banners. */
export function describeMissingStream(m: MissingStream): string {
  return `${m.source}/${m.stream} (missing since ${m.missingSince}${
    m.lastSucceededAt ? `, last complete ${m.lastSucceededAt}` : ', never complete'
  }): ${m.error}`;
}

/**
 * Completeness as the health record says it now, for a publisher that did not extract itself (the
 * publish Lambda): every stream known, and those whose failure streak is still open.
 */
export function completenessFromHealth(health: readonly StreamHealth[]): {
  streams: { source: string; stream: string }[];
  missing: MissingStream[];
} {
  return {
    streams: health.map((h) => ({ source: h.source, stream: h.stream })),
    missing: health
      .filter((h) => h.failingSince !== null)
      .map((h) => ({
        source: h.source,
        stream: h.stream,
        error: h.lastError ?? 'failed',
        missingSince: h.failingSince!,
        lastSucceededAt: h.lastSucceededAt,
      })),
  };
}
