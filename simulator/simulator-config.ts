import * as z from 'zod';

/** Vendor-documented default limits; `fast: true` switches every limit off. */
export const rateLimitsSchema = z.strictObject({
  /** Zendesk incremental exports: 10 requests a minute (30 with the High Volume add-on). */
  zendeskIncrementalPerMinute: z.number().int().positive().default(10),
  /** Zendesk other endpoints (Suite Growth plan: 400 a minute). */
  zendeskPerMinute: z.number().int().positive().default(400),
  /** HubSpot private apps: 100 requests per 10 seconds. */
  hubspotPer10s: z.number().int().positive().default(100),
  /** HubSpot CRM search: 5 requests a second. */
  hubspotSearchPerSecond: z.number().int().positive().default(5),
});

const rate = z.number().min(0).max(1).default(0);

/**
 * Faults on demand. Each rate is the share of requests (or records) affected; decisions are
 * deterministic from the seed, so a failing test replays exactly.
 */
export const faultsSchema = z.strictObject({
  /** Requests answered 500/502/503 (a JSON error body). */
  serverErrorRate: rate,
  /** Requests answered only after `slowMs`. */
  slowRate: rate,
  slowMs: z.number().int().nonnegative().default(2000),
  /** Requests held open without an answer until the client gives up (or the server closes). */
  timeoutRate: rate,
  /** Records served with wrong types or missing fields; the same records on every read. */
  malformedRate: rate,
  /** Pages in which one record appears twice. */
  duplicateRate: rate,
  /** The world clock advances by this many seconds on every API request (records change mid-run). */
  clockAdvanceSecondsPerRequest: z.number().nonnegative().default(0),
});

/** The bundled source simulator: a deterministic crypto-exchange support desk and CRM. */
export const simulatorConfigSchema = z.strictObject({
  seed: z.number().int().default(42),
  /** First simulated day (UTC). */
  startDate: z.iso.date().default('2026-08-01'),
  days: z.number().int().positive().max(3660).default(56),
  /** Average tickets created per ordinary day; market-crash days have 5–10× as many. */
  ticketsPerDay: z.number().int().positive().max(9000).default(300),
  /** Serve without rate limits (tests, benchmarks, the local main job). */
  fast: z.boolean().default(true),
  rateLimits: rateLimitsSchema.default(rateLimitsSchema.parse({})),
  faults: faultsSchema.default(faultsSchema.parse({})),
  /** Share of days that are market-crash days. */
  crashDayRate: z.number().min(0).max(1).default(0.03),
  /**
   * Customers in the world per average daily ticket (at least 60 in all). 100 gives the repeat-contact
   * and FCR rates real desks report (docs/SIMULATOR-CALIBRATION.md); tests of extraction mechanics
   * may ask for fewer, which means fewer user and contact pages to read.
   */
  customersPerDailyTicket: z.number().int().positive().max(1000).default(100),
  /**
   * CRM contacts created by one bulk import, all with the same createdate and lastmodifieddate
   * (a client must page through more than the search API's 10,000 cap at one timestamp).
   * Default: 3 × ticketsPerDay (15,000 at 5,000 tickets a day).
   */
  bulkImportContacts: z.number().int().nonnegative().optional(),
  /** World clock at start; default = the end of the last simulated day. */
  now: z.union([z.iso.datetime({ offset: true }), z.date()]).optional(),
  host: z.string().default('127.0.0.1'),
  /** 0 = any free port. */
  zendeskPort: z.number().int().min(0).max(65535).default(0),
  hubspotPort: z.number().int().min(0).max(65535).default(0),
  /** Credentials the simulator accepts (not secrets: a local test double). */
  credentials: z
    .strictObject({
      zendeskEmail: z.string().default('warehouse@example.com'),
      zendeskToken: z.string().default('sim-zendesk-token'),
      hubspotToken: z.string().default('sim-hubspot-token'),
    })
    .default({
      zendeskEmail: 'warehouse@example.com',
      zendeskToken: 'sim-zendesk-token',
      hubspotToken: 'sim-hubspot-token',
    }),
});
export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;
/** What `startSimulator` accepts: every field optional, defaults as in the schema. */
export type SimulatorOptions = z.input<typeof simulatorConfigSchema>;
export type SimulatorFaults = z.infer<typeof faultsSchema>;
export type SimulatorRateLimits = z.infer<typeof rateLimitsSchema>;
