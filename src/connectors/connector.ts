import type { z } from 'zod';
import type { RequestStats, RetryEvent } from '#src/connectors/shared/api-client.ts';
import type { RawExchange } from '#src/connectors/shared/raw-exchange.ts';
import type { SourcesConfig } from '#src/connectors/sources-config.ts';
import type { LandingStreamName } from '#src/landing/landing-schemas.ts';

/**
 * What a source connector is. Each connector is one folder, `src/connectors/<source>/`, with the
 * same file set: `<source>-connector.ts` (exports `connector: Connector`), `<source>-client.ts`
 * (HTTP, auth, paging, pacing, retries), `<source>-config.ts` (its config section), one
 * `<stream>-stream.ts` per stream and `<source>-records.ts` (zod schemas of the API records and
 * their mapping to landing rows). The registry finds a connector by its folder name.
 */

/** A landing row before the writer adds `_run_id` and `_extracted_at`. */
export type LandingRow = Record<string, unknown>;
/** The rows one API record becomes, per landing stream. */
export type LandingRows = Partial<Record<LandingStreamName, LandingRow[]>>;

/** What mapping a record may use: the customer key, and nothing that reaches a secret. */
export interface MappingContext {
  customerKey(email: string | null | undefined): string | null;
}

/** One page of a stream: what was exchanged with the source, its records, and the state after it. */
export interface ExtractedPage<S> {
  /** The exact HTTP exchanges behind the page (one line each in the raw file). */
  readonly exchanges: readonly RawExchange[];
  /** API records of the page, duplicates of earlier pages already removed where the protocol repeats them. */
  readonly records: readonly unknown[];
  /** The stream's state once this page's objects are durably written. */
  readonly state: S;
}

export interface StreamContext {
  readonly stats: RequestStats;
  readonly signal?: AbortSignal;
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface SourceStream<S = unknown> {
  readonly name: string;
  /** Fields of the API record that identify it. */
  readonly primaryKey: readonly string[];
  /** Field of the API record the incremental state follows. */
  readonly cursorField: string;
  /** Landing streams this stream writes. */
  readonly landingStreams: readonly LandingStreamName[];
  readonly stateSchema: z.ZodType<S>;
  /** The state of a stream never extracted before (from the configured start date, never now()). */
  initialState(): S;
  /** The state a run starts from, given the checkpoint (applies the look-back window). */
  resumeState(checkpoint: S): S;
  /** Reads pages from `state` on; each page carries the state that follows it. */
  readPages(state: S, context: StreamContext): AsyncGenerator<ExtractedPage<S>>;
  /** Validates one API record and maps it to landing rows; throws (a zod error or a `RecordRejectedError`) to quarantine it. */
  toLandingRows(record: unknown, context: MappingContext): LandingRows;
  /** The record's identity for messages and tests, e.g. `ticket 42`. */
  describeRecord(record: unknown): string;
}

/** Where a source lives and the credentials to use, when the caller knows them (the simulator). */
export interface SourceEndpoint {
  readonly baseUrl: string;
  /** Zendesk: `email` and `token`; HubSpot: `token`. */
  readonly credentials: Readonly<Record<string, string>>;
}

export interface OpenConnectorOptions {
  /** The sections a connector reads: its own, under `sources.<source>`. */
  readonly config: { readonly sources: SourcesConfig };
  /** Overrides `baseUrl` and the environment credentials of the config section. */
  readonly endpoint?: SourceEndpoint;
  readonly env: NodeJS.ProcessEnv;
}

/** A connector bound to its configuration and credentials, ready to read. */
export interface ConnectorSession {
  readonly source: string;
  /** The streams the configuration enables, in extraction order. */
  readonly streams: readonly SourceStream<unknown>[];
  /** Values that must never appear in a log, an error or a manifest. */
  readonly secrets: readonly string[];
}

export interface Connector {
  readonly source: string;
  /** Names of every stream the connector offers. */
  readonly streamNames: readonly string[];
  /**
   * Checks the configuration section and the credentials and builds the client. No I/O: a
   * `ConfigError` naming the field is thrown before anything is read or written.
   */
  open(options: OpenConnectorOptions): ConnectorSession;
}

/** A record the source sent that cannot become a valid landing row. */
export class RecordRejectedError extends Error {
  override readonly name = 'RecordRejectedError';
}
