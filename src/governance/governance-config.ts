import * as z from 'zod';
import { isKnownTable } from '#src/governance/known-tables.ts';
import { webUrlSchema } from '#src/shared/field-schemas.ts';

const months = (min: number, max: number) => z.number().int().min(min).max(max);

/** A table name that is neither a landing stream nor a model would be ignored silently. */
const knownTable = (name: string) => isKnownTable(name);
const unknownTable = {
  error: (issue: { input?: unknown }) =>
    `"${String(issue.input)}" is not a table of the warehouse (a landing stream table such as landing_zendesk__tickets, or a model such as fct_tickets)`,
};

/** Where the audit log lives; absent = `<stateDir>/audit` locally, `<lake prefix>audit/` on S3. */
const auditSinkSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local'), dir: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('s3'),
    /** The Object Lock audit bucket. */
    bucket: z.string().min(3),
    prefix: z.string().default('audit/'),
    region: z.string().optional(),
    endpoint: webUrlSchema.optional(),
    forcePathStyle: z.boolean().default(false),
  }),
]);

/** Retention windows, legal holds and the audit log's location. */
export const governanceConfigSchema = z.strictObject({
  retention: z
    .strictObject({
      /** Ticket facts and events (curated tables and landing streams of the facts class). */
      factsMonths: months(12, 24).default(24),
      /** Message text (landing streams of the text class and curated tables holding it): 12 months, fixed by the spec. */
      textMonths: months(12, 12).default(12),
      /** Raw API payloads (`raw/`) and quarantined records (`quarantine/`): 12 months, fixed by the spec. */
      rawMonths: months(12, 12).default(12),
      /**
       * Per-table override, in months (12–24), by curated table name (`fct_tickets`) or landing
       * stream table (`landing_zendesk__tickets`).
       */
      tables: z
        .record(
          z
            .string()
            .regex(/^[a-z_][a-z0-9_]*$/)
            .refine(knownTable, unknownTable),
          months(12, 24),
        )
        .default({}),
      /** Aggregated tables kept whatever their age, in addition to the KPI marts. */
      keep: z.array(z.string().refine(knownTable, unknownTable)).default([]),
    })
    .default({ factsMonths: 24, textMonths: 12, rawMonths: 12, tables: {}, keep: [] }),
  legalHolds: z
    .array(
      z.union([
        z.strictObject({ customerKey: z.string().min(1), reason: z.string().min(1) }),
        z.strictObject({ ticketId: z.number().int(), reason: z.string().min(1) }),
      ]),
    )
    .default([]),
  audit: auditSinkSchema.optional(),
  /**
   * A file the audit chain's head is exported to after every append, outside the audit folder
   * (another disk, a folder only the operator writes, a write-once share): `audit verify` then
   * catches a tail cut off together with `HEAD.json`. Absent = no external anchor (AWS: the Object
   * Lock bucket keeps every entry).
   */
  auditAnchorFile: z.string().min(1).optional(),
});
export type GovernanceConfig = z.infer<typeof governanceConfigSchema>;
export type AuditSinkConfig = NonNullable<GovernanceConfig['audit']>;
