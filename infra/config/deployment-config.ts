import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { timeZoneSchema } from '#src/config/field-schemas.ts';

const iamPrincipalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/:-]+$/, 'expected an IAM principal ARN');

const roleSchema = z.strictObject({
  /** Principals (users, roles, SSO permission-set roles) allowed to assume this role. */
  trustedPrincipals: z.array(iamPrincipalArn).default([]),
});

const scheduleExpression = z
  .string()
  .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\)|at\(.+\))$/, {
    message: 'expected an EventBridge Scheduler expression: rate(1 hour), cron(30 2 * * ? *) or at(...)',
  });

/**
 * One deployment of the warehouse (an account and region). Parsed once by zod in `infra/app.ts`
 * from the file named by the `config` context key or from an inline `warehouse` context object;
 * every construct takes the typed result.
 */
export const deploymentConfigSchema = z.strictObject({
  /** Prefix of every physical name (Glue database, workgroups, secrets); lower case. */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,24}$/, 'lower-case letters, digits and dashes, 2–25 characters')
    .default('support-kpi'),
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region such as eu-west-1'),
  sources: z
    .strictObject({
      zendesk: z
        .strictObject({
          baseUrl: z.url({ protocol: /^https$/ }),
          /** Secrets Manager secret holding `{"email": "...", "token": "..."}`; created empty by the stack. */
          secretName: z.string().min(1).optional(),
          startDate: z.iso.date().optional(),
        })
        .optional(),
      hubspot: z
        .strictObject({
          baseUrl: z.url({ protocol: /^https$/ }).default('https://api.hubapi.com'),
          /** Secrets Manager secret holding `{"token": "..."}`; created empty by the stack. */
          secretName: z.string().min(1).optional(),
          startDate: z.iso.date().optional(),
        })
        .optional(),
    })
    .refine((s) => s.zendesk !== undefined || s.hubspot !== undefined, 'configure at least one source'),
  schedules: z
    .strictObject({
      /** Extraction of every source (state machine input mode `extract`). */
      extract: scheduleExpression.default('rate(1 hour)'),
      /** Extraction then models, data tests, publication and retention (mode `full`). */
      models: scheduleExpression.default('cron(30 2 * * ? *)'),
      timeZone: timeZoneSchema.default('UTC'),
      enabled: z.boolean().default(true),
    })
    .default({ extract: 'rate(1 hour)', models: 'cron(30 2 * * ? *)', timeZone: 'UTC', enabled: true }),
  retention: z
    .strictObject({
      /** Ticket facts and events, in months (12–24 per the spec). */
      factsMonths: z.number().int().min(12).max(24).default(24),
      /** Message text and raw API payloads, in months: 12, fixed by the spec. */
      textMonths: z.number().int().min(12).max(12).default(12),
      /** Object Lock (COMPLIANCE) default retention of the audit bucket, in days. */
      auditDays: z.number().int().min(1).max(3650).default(1825),
      /** CloudWatch log retention of every function and the state machine, in days. */
      logDays: z
        .union([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731].map((d) => z.literal(d)))
        .default(365),
    })
    .default({ factsMonths: 24, textMonths: 12, auditDays: 1825, logDays: 365 }),
  roles: z
    .strictObject({
      analyst: roleSchema.default({ trustedPrincipals: [] }),
      compliance: roleSchema.default({ trustedPrincipals: [] }),
      engineer: roleSchema.default({ trustedPrincipals: [] }),
    })
    .default({
      analyst: { trustedPrincipals: [] },
      compliance: { trustedPrincipals: [] },
      engineer: { trustedPrincipals: [] },
    }),
  athena: z
    .strictObject({
      /** Per-query cutoff of every workgroup, in bytes scanned (Athena's minimum is 10 MB). */
      bytesScannedCutoffPerQuery: z.number().int().min(10_000_000).default(10_000_000_000),
    })
    .default({ bytesScannedCutoffPerQuery: 10_000_000_000 }),
  lakeFormation: z
    .strictObject({
      /**
       * Data lake administrators to set. Empty = leave the account's Lake Formation settings alone
       * (they are account-wide, and setting them replaces every existing administrator).
       */
      admins: z.array(iamPrincipalArn).default([]),
    })
    .default({ admins: [] }),
  alerts: z
    .strictObject({
      /** E-mail subscribed to SLA alerts and pipeline failures; none = subscribe later. */
      email: z.email().optional(),
      /** Alarm when nothing was published for this many hours. */
      staleAfterHours: z.number().int().min(1).max(168).default(26),
    })
    .default({ staleAfterHours: 26 }),
  quicksight: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** QuickSight user or group ARNs: analysts get the datasets read-only, compliance too. */
      analystPrincipals: z.array(z.string().startsWith('arn:aws')).default([]),
      compliancePrincipals: z.array(z.string().startsWith('arn:aws')).default([]),
    })
    .refine(
      (q) => !q.enabled || q.analystPrincipals.length + q.compliancePrincipals.length > 0,
      'QuickSight is enabled but no analyst or compliance principal is configured',
    )
    .default({ enabled: false, analystPrincipals: [], compliancePrincipals: [] }),
  /** `destroy` deletes the data buckets and the key with the stack: for throw-away environments only. */
  removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
});

export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;
export type DeploymentConfigInput = z.input<typeof deploymentConfigSchema>;

/** The deployment configuration is invalid: `cdk synth` stops before any construct is built. */
export class DeploymentConfigError extends Error {
  override readonly name = 'DeploymentConfigError';
  constructor(
    readonly origin: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `Invalid deployment configuration in ${origin}:\n` +
        issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n') +
        '\nFix these fields (see infra/config/example-deployment.json) and run cdk synth again.',
    );
  }
}

export function parseDeploymentConfig(input: unknown, origin = 'deployment configuration'): DeploymentConfig {
  const result = deploymentConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new DeploymentConfigError(
      origin,
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

/**
 * The configuration from CDK context: `-c config=<file.json>` names a file; `warehouse` holds an
 * inline object (cdk.json or tests); `removalPolicy=destroy` overrides the file's flag.
 */
export function deploymentConfigFromContext(tryGetContext: (key: string) => unknown): DeploymentConfig {
  const inline = tryGetContext('warehouse');
  const file = tryGetContext('config');
  let input: unknown;
  let origin: string;
  if (typeof file === 'string' && file.length > 0) {
    origin = file;
    try {
      input = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new DeploymentConfigError(file, [{ path: '', message: (error as Error).message }]);
    }
  } else if (inline !== undefined) {
    origin = 'context key "warehouse"';
    input = typeof inline === 'string' ? JSON.parse(inline) : inline;
  } else {
    throw new DeploymentConfigError('CDK context', [
      { path: 'config', message: 'missing: pass -c config=<file.json> or set "config" in cdk.json' },
    ]);
  }
  const override = tryGetContext('removalPolicy');
  if (override !== undefined && typeof input === 'object' && input !== null) {
    input = { ...input, removalPolicy: override };
  }
  return parseDeploymentConfig(input, origin);
}
