import * as z from 'zod';

import { runIdSchema } from '#src/pipeline/run-id.ts';

export { runIdSchema };

/** Every step's event: which run, and whether to rebuild from scratch (a backfill). */
export const runEventSchema = z.object({
  runId: runIdSchema,
  full: z.boolean().default(false),
});
export type RunEvent = z.infer<typeof runEventSchema>;

/**
 * What a state-machine execution is started with (the schedules send `{ mode, full: false }`; a
 * hand-started backfill may send anything). Validated by the first task, inside the catch path:
 * missing fields take these defaults, a wrong one fails the run with the field named.
 *   mode: `extract` (sources only), `full` (extract, then models and publication), `models` (no extraction)
 *   full: rebuild the models from scratch
 */
export const runInputSchema = z.object({
  mode: z.enum(['extract', 'full', 'models']).default('full'),
  full: z.boolean().default(false),
});
export type RunInput = z.infer<typeof runInputSchema>;

/** Where the SQL models are in the bundle (copied next to index.mjs at bundling time). */
export function sqlRoot(): string | undefined {
  return (
    process.env.WAREHOUSE_SQL_ROOT ??
    (process.env.LAMBDA_TASK_ROOT ? `${process.env.LAMBDA_TASK_ROOT}/sql` : undefined)
  );
}
