import { z } from 'zod';

import { runIdSchema } from '#src/pipeline/run-id.ts';

export { runIdSchema };

/** Every step's event: which run, and whether to rebuild from scratch (a backfill). */
export const runEventSchema = z.object({
  runId: runIdSchema,
  full: z.boolean().default(false),
});
export type RunEvent = z.infer<typeof runEventSchema>;

/** Where the SQL models are in the bundle (copied next to index.mjs at bundling time). */
export function sqlRoot(): string | undefined {
  return (
    process.env.WAREHOUSE_SQL_ROOT ??
    (process.env.LAMBDA_TASK_ROOT ? `${process.env.LAMBDA_TASK_ROOT}/sql` : undefined)
  );
}
