import * as z from 'zod';
import type { LandingRows, MappingContext, SourceStream } from '#src/connectors/connector.ts';
import { isoFieldSeconds, numberField, parsePage } from '#src/connectors/shared/parse-page.ts';
import { SourceProtocolError } from '#src/connectors/shared/source-protocol-error.ts';
import type { ZendeskClient } from '#src/connectors/zendesk/zendesk-client.ts';
import { cursorExportPageSchema } from '#src/connectors/zendesk/zendesk-records.ts';
import type { LandingStreamName } from '#src/landing/landing-schemas.ts';

export const cursorExportStateSchema = z.strictObject({
  /** `after_cursor` of the last written page; null = start from `startTime`. */
  cursor: z.string().nullable(),
  /** Unix seconds of the first export (from the configured start date, never now()). */
  startTime: z.number().int().nonnegative(),
  /** Greatest update time (unix seconds) written so far: where the look-back window restarts from. */
  highWater: z.number().int().nullable(),
});
export type CursorExportState = z.infer<typeof cursorExportStateSchema>;

/**
 * A stream over a Zendesk cursor-based incremental export (`/api/v2/incremental/<x>/cursor.json`):
 * the first request carries `start_time`, every later one the previous page's `after_cursor`, also
 * after `end_of_stream` (the cursor stays valid for the next run).
 */
export function cursorExportStream<R>(options: {
  readonly client: ZendeskClient;
  readonly name: string;
  readonly path: string;
  readonly collection: string;
  readonly primaryKey: readonly string[];
  readonly cursorField: string;
  readonly landingStreams: readonly LandingStreamName[];
  readonly startTime: number;
  readonly lookbackSeconds: number;
  readonly perPage: number;
  readonly recordSchema: z.ZodType<R>;
  readonly toRows: (record: R, context: MappingContext) => LandingRows;
}): SourceStream<CursorExportState> {
  const pageSchema = cursorExportPageSchema(options.collection);
  const updatedSeconds = (record: unknown) =>
    numberField(record, 'generated_timestamp') ?? isoFieldSeconds(record, 'updated_at');
  return {
    name: options.name,
    primaryKey: options.primaryKey,
    cursorField: options.cursorField,
    landingStreams: options.landingStreams,
    stateSchema: cursorExportStateSchema,
    initialState: () => ({ cursor: null, startTime: options.startTime, highWater: null }),
    resumeState(checkpoint) {
      if (options.lookbackSeconds === 0 || checkpoint.highWater === null) return checkpoint;
      // A fresh export from before the high-water mark re-reads records that were indexed late.
      return {
        cursor: null,
        startTime: Math.max(options.startTime, checkpoint.highWater - options.lookbackSeconds),
        highWater: checkpoint.highWater,
      };
    },
    async *readPages(start, context) {
      let state = start;
      for (;;) {
        const query = state.cursor
          ? { cursor: state.cursor, per_page: options.perPage }
          : { start_time: state.startTime, per_page: options.perPage };
        const { json, exchange } = await options.client.get(options.path, query, 'incremental', context);
        const page = parsePage(pageSchema, json, 'zendesk', options.path);
        const records = page[options.collection] as unknown[];
        let highWater = state.highWater;
        for (const record of records) {
          const seconds = updatedSeconds(record);
          if (seconds !== undefined && (highWater === null || seconds > highWater)) highWater = seconds;
        }
        const afterCursor = (page.after_cursor as string | null | undefined) ?? null;
        if (!page.end_of_stream && !afterCursor) {
          throw new SourceProtocolError(
            'zendesk',
            options.path,
            'a page before the end of the stream has no after_cursor',
          );
        }
        state = { cursor: afterCursor ?? state.cursor, startTime: state.startTime, highWater };
        yield { exchanges: [exchange], records, state };
        if (page.end_of_stream) return;
      }
    },
    toLandingRows: (record, context) => options.toRows(options.recordSchema.parse(record), context),
    describeRecord: (record) => `${options.name} ${String(numberField(record, 'id') ?? '?')}`,
  };
}
