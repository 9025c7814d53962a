import type { LandingStreamName } from '#src/landing/landing-schemas.ts';

export type StreamStatus = 'succeeded' | 'failed' | 'aborted';

/** What one stream did in one run. */
export interface StreamManifest {
  readonly source: string;
  readonly stream: string;
  status: StreamStatus;
  pages: number;
  /** API records read (protocol repeats at page boundaries already removed). */
  records: number;
  /** Landing rows written, per landing stream. */
  rows: Partial<Record<LandingStreamName, number>>;
  quarantined: number;
  requests: number;
  retries: number;
  /** 429 answers. */
  rateLimited: number;
  /** Response bytes received. */
  bytes: number;
  /** Milliseconds the stream waited on its own client-side pacing. */
  pacedMs: number;
  /** Compressed bytes written to the lake (raw, landing, quarantine). */
  bytesWritten: number;
  durationMs: number;
  cursorBefore: unknown;
  cursorAfter: unknown;
  /** First and last page key written in this run. */
  firstPage: string | null;
  lastPage: string | null;
  /** Why the stream stopped early (secrets redacted). */
  error?: string;
  errorName?: string;
}

/** What one extraction run did; also written to the lake at `manifestKey(...)`. */
export interface ExtractManifest {
  readonly runId: string;
  readonly extractDate: string;
  readonly startedAt: string;
  finishedAt: string;
  /** succeeded: every stream succeeded; failed: at least one failed; aborted: stopped by the signal. */
  status: StreamStatus;
  readonly streams: StreamManifest[];
}

/**
 * `state/runs/<runId>/extract-manifest.json` for a run of every configured source, and
 * `state/runs/<runId>/extract-manifest.<source>[.<source>].json` when only some were asked for:
 * the Lambdas extract one source each under the same run id, at the same time, and must not
 * overwrite each other's manifest.
 */
export function manifestKey(runId: string, sources?: readonly string[]): string {
  const suffix = sources && sources.length > 0 ? `.${[...sources].sort().join('.')}` : '';
  return `state/runs/${runId}/extract-manifest${suffix}.json`;
}
