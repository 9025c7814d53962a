import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

import { runIdSchema } from '#src/shared/run-id.ts';
import { InvalidEnvironmentError } from './handler-errors.ts';

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

/**
 * Where the SQL models are in the bundle (copied next to index.mjs at bundling time). A folder
 * that is named but holds no models is a deployment fault, not an empty warehouse: without this
 * check the transform built nothing, the data tests passed with no test and publish found nothing
 * (what the deployment rehearsal first showed).
 */
export function sqlRoot(): string | undefined {
  const root =
    process.env.WAREHOUSE_SQL_ROOT ??
    (process.env.LAMBDA_TASK_ROOT ? `${process.env.LAMBDA_TASK_ROOT}/sql` : undefined);
  if (root !== undefined && !existsSync(join(root, 'marts')))
    throw new InvalidEnvironmentError('sql', [
      {
        path: process.env.WAREHOUSE_SQL_ROOT ? 'WAREHOUSE_SQL_ROOT' : 'LAMBDA_TASK_ROOT',
        message: `${root} holds no SQL models (no marts/ folder); the bundle must copy sql/ next to index.mjs`,
      },
    ]);
  return root;
}
