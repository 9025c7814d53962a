import { createHash, createHmac } from 'node:crypto';
import * as z from 'zod';
import { roleSchema } from '#src/governance/access/role.ts';

/** `prev_hash` of the first entry: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Actions the warehouse records. Other dotted lower-case names are accepted so a new stage can
 * audit itself without a change here; these are the ones the spec requires.
 */
export const auditActions = [
  'pipeline.run',
  'pipeline.stage',
  'query',
  'query.denied',
  'export',
  'export.denied',
  'retention.run',
  'retention.plan',
  'retention.delete',
  'config.change',
  'kpi_definition.change',
  'audit.acknowledge',
] as const;
export type KnownAuditAction = (typeof auditActions)[number];

/**
 * `started` is written before a privileged action begins (so a killed process leaves a trace);
 * the action's outcome follows in a second entry naming the first (`details.started_seq`).
 */
export const auditOutcomeSchema = z.enum(['started', 'success', 'failure', 'denied', 'dry_run']);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lower-case SHA-256 hex digest');

/** Keys that would carry a secret or personal data; details must never hold them. */
const FORBIDDEN_DETAIL_KEY =
  /(password|secret|token|api_?key|credential|e-?mail|phone|first_?name|last_?name)/i;

const detailValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(detailValue),
    z.record(z.string(), detailValue),
  ]),
);

/** What a caller gives to `AuditLog.append`; the log adds seq, time, prev_hash and hash. */
export const auditEntryInputSchema = z.strictObject({
  /** Who: a user name, `pipeline`, or a Lambda function name. Defaults to the log's actor. */
  actor: z.string().min(1).optional(),
  role: roleSchema,
  /** One of `auditActions`, or another dotted lower-case name. */
  action: z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/, 'expected a dotted lower-case action name'),
  /** What it acted on: a run id, a table, a stage name, an export folder. */
  target: z.string().min(1),
  outcome: auditOutcomeSchema,
  /** Figures: rows, objects, bytes, durations in ms. */
  counts: z.record(z.string(), z.number().finite()).default({}),
  /** Context such as a statement hash or table names; never secrets or personal data. */
  details: z
    .record(z.string(), detailValue)
    .default({})
    .superRefine((details, ctx) => {
      for (const key of deepKeys(details)) {
        if (FORBIDDEN_DETAIL_KEY.test(key))
          ctx.addIssue({
            code: 'custom',
            message: `details key "${key}" looks like a secret or personal data; record a hash or a count instead`,
          });
      }
    }),
});
export type AuditEntryInput = z.input<typeof auditEntryInputSchema>;

export const auditEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  time: z.iso.datetime(),
  actor: z.string().min(1),
  role: roleSchema,
  action: z.string().min(1),
  target: z.string().min(1),
  outcome: auditOutcomeSchema,
  counts: z.record(z.string(), z.number()),
  details: z.record(z.string(), z.unknown()),
  prev_hash: hex64,
  hash: hex64,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** JSON with object keys sorted at every level and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The entry's hash over the previous hash followed by the canonical JSON of the entry without its
 * own hash: HMAC-SHA256 with the audit key (the production chain; whoever can write the folder but
 * lacks the key cannot recompute it), or plain SHA-256 without a key (unit tests, legacy logs).
 */
export function entryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }, key?: string): string {
  const { hash: _ignored, ...content } = entry;
  const mac = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  return mac.update(entry.prev_hash).update(canonicalJson(content)).digest('hex');
}

/**
 * The audit chain's key, derived from the warehouse secret (`privacy.hmacKeyEnv`: the local state
 * key or env var, Secrets Manager in AWS) for this one purpose, so an audit key never equals the
 * key customer keys are computed with.
 */
export function deriveAuditKey(secret: string): string {
  return createHmac('sha256', secret).update('support-kpi-warehouse/audit-chain/v1').digest('hex');
}

/** SHA-256 of a text (statement hashes, file checksums). */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

function* deepKeys(value: unknown): Generator<string> {
  if (Array.isArray(value)) {
    for (const item of value) yield* deepKeys(item);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      yield key;
      yield* deepKeys(inner);
    }
  }
}
