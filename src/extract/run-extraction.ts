import * as z from 'zod';
import type {
  ConnectorSession,
  ExtractedPage,
  LandingRow,
  MappingContext,
  SourceEndpoint,
  SourceStream,
} from '#src/connectors/connector.ts';
import { configuredSources, loadConnector } from '#src/connectors/connector-registry.ts';
import { emptyRequestStats } from '#src/connectors/shared/api-client.ts';
import type { SourcesConfig } from '#src/connectors/sources-config.ts';
import { CheckpointStore } from '#src/extract/checkpoint-store.ts';
import { type ExtractManifest, manifestKey, type StreamManifest } from '#src/extract/extract-manifest.ts';
import type { ExtractProgressEvent } from '#src/extract/extract-progress.ts';
import { landingRowCheck } from '#src/extract/landing-row-check.ts';
import { type QuarantineRow, rawKey, writePageObjects } from '#src/extract/page-writer.ts';
import { type LandingStreamName, landingStreams } from '#src/landing/landing-schemas.ts';
import { customerKey } from '#src/privacy/customer-key.ts';
import type { PrivacyConfig } from '#src/privacy/privacy-config.ts';
import { redactSecrets } from '#src/privacy/redact-secrets.ts';
import { resolveHmacKey } from '#src/privacy/resolve-hmac-key.ts';
import { ConfigError } from '#src/shared/config-error.ts';
import { runIdSchema } from '#src/shared/run-id.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

export interface RunExtractionOptions {
  /** The sections extraction reads (the warehouse configuration has them all). */
  readonly config: {
    readonly sources: SourcesConfig;
    readonly privacy: PrivacyConfig;
    readonly stateDir: string;
  };
  readonly store: ObjectStore;
  /** Names this run's files and manifest (`runIdSchema` of `src/shared/run-id.ts`), e.g. `2026-11-23T06-00-00Z`. */
  readonly runId: string;
  /** Only these sources (default: every configured one). */
  readonly sources?: readonly string[];
  /** Only these streams (source stream names, e.g. `tickets`, `contacts`; default: the configured ones). */
  readonly streams?: readonly string[];
  /** Wall clock for `_extracted_at` and the extract date (tests pin it). */
  readonly now?: () => Date;
  /** Stops the run: streams end at their last checkpoint. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ExtractProgressEvent) => void;
  /**
   * Base URL and credentials per source, overriding the config's `baseUrl` and environment
   * variables: how the pipeline points the connectors at the bundled simulator.
   */
  readonly endpoints?: Readonly<Record<string, SourceEndpoint>>;
  /** Environment for credentials and the HMAC key (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The HMAC key itself (Lambda reads it from Secrets Manager); default: from `privacy.hmacKeyEnv`. */
  readonly hmacKey?: string;
}

/** Pages of one stream being written at the same time. */
const WRITE_DEPTH = 4;

interface OpenedSource {
  readonly session: ConnectorSession;
  readonly streams: readonly SourceStream<unknown>[];
}

/**
 * Extracts every selected stream into raw/ and landing/ (and quarantine/), one page at a time,
 * advancing each stream's checkpoint only after the page's objects are written. All streams run at
 * once: each source's pacers keep the streams of that source under its limits together, and in
 * between the waits of one stream the others' pages are parsed and written. A stream that fails (retries spent, an
 * unreadable answer) stops at its last checkpoint while the others go on; the manifest says which.
 * Configuration problems throw `ConfigError` before anything is read or written.
 */
export async function runExtraction(options: RunExtractionOptions): Promise<ExtractManifest> {
  const { config, store } = options;
  const now = options.now ?? (() => new Date());
  const env = options.env ?? process.env;
  const emit = options.onProgress ?? (() => undefined);

  // ------------------------------------------------------------- everything checked before any write
  const runId = runIdSchema.safeParse(options.runId);
  if (!runId.success)
    throw new ConfigError('runExtraction', [{ path: 'runId', message: runId.error.issues[0]!.message }]);
  const available = configuredSources(config.sources as Record<string, unknown>);
  const sources = options.sources ?? available;
  const sourceIssues = sources
    .filter((s) => !available.includes(s))
    .map((s) => ({
      path: `sources.${s}`,
      message: `not configured (configured: ${available.join(', ') || 'none'})`,
    }));
  if (sourceIssues.length > 0) throw new ConfigError('the extraction request', sourceIssues);

  const opened: OpenedSource[] = [];
  for (const source of sources) {
    const connector = await loadConnector(source);
    const session = connector.open({
      config,
      endpoint: options.endpoints?.[source],
      env,
    });
    opened.push({ session, streams: session.streams });
  }
  if (options.streams) {
    const offered = new Set(opened.flatMap((o) => o.streams.map((s) => s.name)));
    const unknown = options.streams.filter((s) => !offered.has(s));
    if (unknown.length > 0) {
      throw new ConfigError(
        'the extraction request',
        unknown.map((s) => ({
          path: 'streams',
          message: `"${s}" is not an enabled stream of ${sources.join(', ')} (enabled: ${[...offered].join(', ')})`,
        })),
      );
    }
  }
  const hmac = options.hmacKey
    ? { key: options.hmacKey, notice: undefined }
    : await resolveHmacKey({ envName: config.privacy.hmacKeyEnv, stateDir: config.stateDir, env });
  if (hmac.notice) emit({ kind: 'notice', message: hmac.notice });
  const mapping: MappingContext = { customerKey: (email) => customerKey(email, hmac.key) };

  // ------------------------------------------------------------- extraction
  const startedAt = now();
  const extractDate = startedAt.toISOString().slice(0, 10);
  const checkpoints = new CheckpointStore(store);
  const manifest: ExtractManifest = {
    runId: runId.data,
    extractDate,
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    status: 'succeeded',
    streams: [],
  };
  const secrets = opened.flatMap((o) => o.session.secrets);

  await Promise.all(
    opened.flatMap(({ session, streams }) =>
      streams
        .filter((stream) => !options.streams || options.streams.includes(stream.name))
        .map(async (stream) => {
          const result = await extractStream({
            source: session.source,
            stream,
            store,
            checkpoints,
            runId: runId.data,
            extractDate,
            now,
            mapping,
            signal: options.signal,
            emit,
            secrets,
          });
          manifest.streams.push(result);
        }),
    ),
  );
  // Manifest in extraction order, whatever order the streams finished in.
  const order = opened.flatMap(({ session, streams }) => streams.map((s) => `${session.source}/${s.name}`));
  manifest.streams.sort(
    (a, b) => order.indexOf(`${a.source}/${a.stream}`) - order.indexOf(`${b.source}/${b.stream}`),
  );

  manifest.finishedAt = now().toISOString();
  manifest.status = options.signal?.aborted
    ? 'aborted'
    : manifest.streams.some((s) => s.status !== 'succeeded')
      ? 'failed'
      : 'succeeded';
  const partial = sources.length < available.length ? sources : undefined;
  await store.put(manifestKey(runId.data, partial), `${JSON.stringify(manifest, null, 2)}\n`, {
    contentType: 'application/json',
  });
  return manifest;
}

interface StreamRun {
  readonly source: string;
  readonly stream: SourceStream<unknown>;
  readonly store: ObjectStore;
  readonly checkpoints: CheckpointStore;
  readonly runId: string;
  readonly extractDate: string;
  readonly now: () => Date;
  readonly mapping: MappingContext;
  readonly signal?: AbortSignal;
  readonly emit: (event: ExtractProgressEvent) => void;
  readonly secrets: readonly string[];
}

async function extractStream(run: StreamRun): Promise<StreamManifest> {
  const { source, stream, emit } = run;
  const started = performance.now();
  const stats = emptyRequestStats();
  const manifest: StreamManifest = {
    source,
    stream: stream.name,
    status: 'succeeded',
    pages: 0,
    records: 0,
    rows: {},
    quarantined: 0,
    requests: 0,
    retries: 0,
    rateLimited: 0,
    bytes: 0,
    pacedMs: 0,
    bytesWritten: 0,
    durationMs: 0,
    cursorBefore: null,
    cursorAfter: null,
    firstPage: null,
    lastPage: null,
  };
  // Reading stops with the run's signal, or when writing fails (so a prefetched request is not left running).
  const reading = new AbortController();
  let pages: AsyncGenerator<ExtractedPage<unknown>> | undefined;
  try {
    // An unreadable checkpoint fails this stream only, before it reads anything.
    const checkpoint = await run.checkpoints.read(source, stream.name, stream.stateSchema);
    const before = checkpoint ? stream.resumeState(checkpoint.state) : stream.initialState();
    manifest.cursorBefore = checkpoint?.state ?? null;
    manifest.cursorAfter = checkpoint?.state ?? null;
    emit({ kind: 'stream-start', source, stream: stream.name, cursor: before });
    let pageSeq = checkpoint?.pageSeq ?? 0;
    // The version of the checkpoint this run last read or wrote: each write must still find it.
    let checkpointEtag = checkpoint?.etag;
    const signal = run.signal ? AbortSignal.any([run.signal, reading.signal]) : reading.signal;
    pages = stream.readPages(before, {
      stats,
      signal,
      onRetry: (event) => emit({ ...event, stream: stream.name }),
    });
    // The next page is fetched while earlier ones are written, and up to WRITE_DEPTH pages are
    // written at once (their fsyncs overlap). Checkpoints still advance strictly in page order,
    // each only after its own page's objects and every earlier checkpoint are durable.
    let next = pages.next();
    let committed: Promise<void> = Promise.resolve();
    let writeError: unknown;
    const inFlight: Promise<void>[] = [];
    try {
      for (;;) {
        const result = await next;
        if (result.done) break;
        next = pages.next();
        next.catch(() => undefined);
        pageSeq += 1;
        const page = result.value;
        const seq = pageSeq;
        const written = writePage(run, page, seq);
        written.catch(() => undefined);
        const link = committed.then(async () => {
          const summary = await written;
          checkpointEtag = await run.checkpoints.write(
            source,
            stream.name,
            { state: page.state, pageSeq: seq, runId: run.runId, updatedAt: run.now().toISOString() },
            checkpointEtag,
          );
          addToManifest(manifest, summary, page.state);
          emit({
            kind: 'page',
            source,
            stream: stream.name,
            pageKey: summary.pageKey,
            pages: manifest.pages,
            records: manifest.records,
            quarantined: manifest.quarantined,
            requests: stats.requests,
            elapsedMs: performance.now() - started,
          });
        });
        // A failed write stops reading at once instead of after the next page arrives.
        link.catch((error: unknown) => {
          writeError ??= error;
          reading.abort();
        });
        committed = link;
        inFlight.push(committed);
        if (inFlight.length >= WRITE_DEPTH) await inFlight.shift();
      }
      await committed;
    } catch (error) {
      reading.abort();
      throw writeError ?? error;
    } finally {
      // Nothing of this stream is still being read or written once it returns.
      await Promise.allSettled([committed, next]);
    }
  } catch (error) {
    reading.abort();
    await pages?.return(undefined).catch(() => undefined);
    manifest.status = run.signal?.aborted ? 'aborted' : 'failed';
    const e = error as Error;
    manifest.errorName = e?.name ?? 'Error';
    manifest.error = redactSecrets(e?.message ?? String(error), run.secrets);
  }
  manifest.requests = stats.requests;
  manifest.retries = stats.retries;
  manifest.rateLimited = stats.rateLimited;
  manifest.bytes = stats.bytes;
  manifest.pacedMs = Math.round(stats.pacedMs);
  manifest.durationMs = Math.round(performance.now() - started);
  emit({ kind: 'stream-end', manifest });
  return manifest;
}

interface PageSummary {
  readonly pageKey: string;
  readonly records: number;
  readonly quarantined: number;
  readonly rows: ReadonlyMap<LandingStreamName, number>;
  readonly bytesWritten: number;
}

/** Validates and maps a page's records, then writes its raw, landing and quarantine objects. */
async function writePage(
  run: StreamRun,
  page: ExtractedPage<unknown>,
  pageSeq: number,
): Promise<PageSummary> {
  const pageName = `${run.runId}-${String(pageSeq).padStart(6, '0')}`;
  const pageKey = rawKey(run.source, run.stream.name, run.extractDate, pageName);
  const extractedAt = run.now().toISOString();
  const landing = new Map<LandingStreamName, LandingRow[]>(
    run.stream.landingStreams.map((name) => [name, []]),
  );
  const quarantine: QuarantineRow[] = [];
  for (const record of page.records) {
    const reasons: string[] = [];
    const accepted: [LandingStreamName, LandingRow][] = [];
    try {
      const rows = run.stream.toLandingRows(record, run.mapping);
      for (const [name, list] of Object.entries(rows) as [LandingStreamName, LandingRow[]][]) {
        const check = landingRowCheck(landingStreams[name]);
        for (const row of list) {
          // Rows are fresh objects from the mapping: completed in place rather than copied.
          const full = Object.assign(row, { _run_id: run.runId, _extracted_at: extractedAt });
          const checked = check(full);
          if (checked.ok) accepted.push([name, full]);
          else reasons.push(`landing ${name}: ${checked.issues}`);
        }
      }
    } catch (error) {
      reasons.push(
        error instanceof z.ZodError
          ? `record: ${describeIssues(error)}`
          : `record: ${(error as Error).message}`,
      );
    }
    if (reasons.length > 0) {
      quarantine.push({
        reason: reasons.join('; '),
        source: run.source,
        stream: run.stream.name,
        page_key: pageKey,
        record,
      });
      continue;
    }
    for (const [name, row] of accepted) {
      const list = landing.get(name) ?? [];
      list.push(row);
      landing.set(name, list);
    }
  }
  const bytesWritten = await writePageObjects(run.store, {
    source: run.source,
    stream: run.stream.name,
    extractDate: run.extractDate,
    pageName,
    exchanges: page.exchanges,
    landing,
    quarantine,
  });
  return {
    pageKey,
    records: page.records.length,
    quarantined: quarantine.length,
    rows: new Map([...landing].map(([name, rows]) => [name, rows.length])),
    bytesWritten,
  };
}

function addToManifest(manifest: StreamManifest, page: PageSummary, state: unknown): void {
  manifest.pages += 1;
  manifest.records += page.records;
  manifest.quarantined += page.quarantined;
  manifest.bytesWritten += page.bytesWritten;
  for (const [name, n] of page.rows) manifest.rows[name] = (manifest.rows[name] ?? 0) + n;
  manifest.firstPage ??= page.pageKey;
  manifest.lastPage = page.pageKey;
  manifest.cursorAfter = state;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`)
    .join(', ');
}
