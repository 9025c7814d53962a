import { z } from 'zod';

/** The bundled source simulator: a deterministic crypto-exchange support desk and CRM. */
export const simulatorConfigSchema = z.strictObject({
  seed: z.number().int().default(42),
  /** First simulated day (UTC). */
  startDate: z.iso.date().default('2026-08-01'),
  days: z.number().int().positive().default(56),
  ticketsPerDay: z.number().int().positive().default(300),
  /** Serve without rate limits (tests, benchmarks, the local main job). */
  fast: z.boolean().default(true),
  host: z.string().default('127.0.0.1'),
  /** 0 = any free port. */
  zendeskPort: z.number().int().min(0).max(65535).default(0),
  hubspotPort: z.number().int().min(0).max(65535).default(0),
});
export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;
