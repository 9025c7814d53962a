import * as z from 'zod';

/** How publications for BI are kept. */
export const publishConfigSchema = z.strictObject({
  /**
   * Publications kept after a switch, the current one included. Two or more lets a reader that
   * resolved the previous pointer finish reading it while the next one is published.
   * @default 3
   */
  keep: z.number().int().min(1).max(100).default(3),
  /**
   * Days of daily KPI history drawn in the dashboard's trend charts (weekly and monthly KPIs show
   * the same span at their own grain).
   * @default 90
   */
  dashboardTrendDays: z.number().int().min(7).max(1_000).default(90),
  /**
   * Publish a run in which some streams did not extract to their end. The publication then says
   * what is missing and since when (manifest, dashboard banner, `publication_completeness`).
   * Off, such a run fails and the previous publication stays current (`warehouse run --allow-partial`
   * turns it on for one run).
   * @default false
   */
  allowPartial: z.boolean().default(false),
});
export type PublishConfig = z.infer<typeof publishConfigSchema>;
