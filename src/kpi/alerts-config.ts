import * as z from 'zod';

/** The SLA alert section of the configuration: when trailing compliance raises an alert, and where to. */
export const alertsConfigSchema = z.strictObject({
  /** Raise when trailing compliance is more than this many percentage points below target. */
  thresholdPp: z.number().positive().default(5),
  /** Trailing window, in hours. */
  windowHours: z.number().positive().default(24),
  /** At most this many breakdown cells are named as drivers of an alert. */
  maxDrivers: z.number().int().positive().default(5),
  /** Cells with fewer measured targets are not named (noise). */
  minCellTargets: z.number().int().positive().default(3),
  /** SNS topic in AWS; absent = console and file only. */
  snsTopicArn: z.string().optional(),
  /** Local alert file (JSON lines), relative to stateDir unless absolute. */
  file: z.string().default('alerts.jsonl'),
});
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
