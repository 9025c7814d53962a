import { z } from 'zod';

/** Run id as the state machine passes it (`$$.Execution.Name`) and the CLI accepts it. */
export const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'letters, digits, ".", "_" or "-", at most 80');

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
