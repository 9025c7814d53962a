import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { mergeConfigInputs } from '#src/config/merge-config-inputs.ts';
import {
  type WarehouseConfig,
  type WarehouseConfigInput,
  warehouseConfigSchema,
} from '#src/config/warehouse-config.ts';
import { timeZoneSchema } from '#src/shared/field-schemas.ts';

const iamPrincipalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/:-]+$/, 'expected an IAM principal ARN');

/**
 * A role's trust: the named principals only. An empty list used to mean "the whole account" (any
 * principal an IAM policy lets call sts:AssumeRole became, say, compliance), and an account's root
 * ARN means the same, so both stop synth.
 */
const roleSchema = (role: string) =>
  z.strictObject({
    /** Principals (users, roles, SSO permission-set roles) allowed to assume this role; at least one. */
    trustedPrincipals: z
      .array(
        iamPrincipalArn.refine((arn) => !/:root$/.test(arn), {
          message: `an account root ARN trusts the whole account; name the users or roles who may assume the ${role} role`,
        }),
      )
      .min(1, {
        message: `name at least one IAM principal allowed to assume the ${role} role (an empty list would trust every principal of the account)`,
      }),
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
const deploymentObjectSchema = z.strictObject({
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
  /** Who may assume each person role: required, every role names its principals. */
  roles: z.strictObject({
    analyst: roleSchema('analyst'),
    compliance: roleSchema('compliance'),
    engineer: roleSchema('engineer'),
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
       * Data lake administrators to add. Empty = leave the account's Lake Formation settings alone.
       * They are added to the account's administrators (MutationType APPEND): the existing
       * administrators and the default create-database/table permissions are kept.
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
  /**
   * The warehouse configuration the pipeline runs with, in the format of the local JSON config
   * (`desk`, `sla`, `kpis`, `alerts`, `sentiment`, `governance`, `publish`, connector settings under
   * `sources.<source>`), checked by the same schema at synth. What the stack decides itself (lake,
   * engine, audit log, alert topic, base URLs, start dates, retention months) is refused here.
   */
  warehouse: z.record(z.string(), z.unknown()).default({}),
});

/** Settings of the warehouse configuration the stack owns, with where to set them instead. */
const stackOwned: readonly { path: readonly string[]; instead: string }[] = [
  { path: ['lake'], instead: 'the stack (the raw bucket)' },
  { path: ['engine'], instead: 'the stack (the Athena workgroup and the Glue database)' },
  { path: ['stateDir'], instead: 'the stack (run state lives in the lake)' },
  { path: ['simulator'], instead: 'nothing: the simulator never runs in AWS' },
  { path: ['privacy'], instead: 'the stack (the HMAC key secret)' },
  { path: ['governance', 'audit'], instead: 'the stack (the Object Lock audit bucket)' },
  { path: ['governance', 'auditAnchorFile'], instead: 'the stack (the Object Lock audit bucket)' },
  { path: ['governance', 'retention', 'factsMonths'], instead: 'retention.factsMonths' },
  { path: ['governance', 'retention', 'textMonths'], instead: 'retention.textMonths' },
  { path: ['alerts', 'snsTopicArn'], instead: 'the stack (the alert topic)' },
];

const at = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined),
    value,
  );

type DeploymentShape = z.output<typeof deploymentObjectSchema>;

/**
 * The warehouse configuration input every pipeline function parses, but for `lake` and `engine`
 * (the pipeline adds them from its buckets and workgroup): the deployment's `warehouse` section
 * under what the deployment decides elsewhere (sources' base URLs and start dates, retention).
 */
export function warehouseConfigInput(
  config: Pick<DeploymentShape, 'warehouse' | 'sources' | 'retention'>,
): WarehouseConfigInput {
  const sources: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(config.sources)) {
    if (!source) continue;
    sources[name] = { baseUrl: source.baseUrl, ...(source.startDate ? { startDate: source.startDate } : {}) };
  }
  const overlay = {
    sources,
    governance: {
      retention: { factsMonths: config.retention.factsMonths, textMonths: config.retention.textMonths },
    },
  };
  return mergeConfigInputs(config.warehouse, overlay) as WarehouseConfigInput;
}

/** Stand-ins for the stack's own settings, so the configuration parses at synth as it will in Lambda. */
const runtimePlaceholders = {
  lake: { kind: 's3', bucket: 'stack-raw-bucket', prefix: '' },
  engine: {
    kind: 'athena',
    workgroup: 'stack-pipeline-workgroup',
    database: 'stack_database',
    curatedLocation: 's3://stack-curated-bucket/warehouse/',
  },
} as const;

/** The configuration the functions will run with, parsed (the stack's lake and engine stood in for). */
export function parseCarriedConfig(input: WarehouseConfigInput): WarehouseConfig {
  return warehouseConfigSchema.parse(mergeConfigInputs(input, runtimePlaceholders));
}

/** Check the `warehouse` section: the stack's own settings refused, the rest by the local schema. */
function checkWarehouseSection(config: DeploymentShape, ctx: z.RefinementCtx): void {
  const { warehouse } = config;
  for (const { path, instead } of stackOwned) {
    if (at(warehouse, path) !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['warehouse', ...path],
        message: `set by ${instead}; remove it from the warehouse section`,
      });
  }
  const sources = at(warehouse, ['sources']);
  if (typeof sources === 'object' && sources !== null) {
    for (const [name, section] of Object.entries(sources)) {
      if ((config.sources as Record<string, unknown>)[name] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['warehouse', 'sources', name],
          message: `the deployment extracts no source "${name}": configure sources.${name} (its base URL) first`,
        });
        continue;
      }
      for (const key of ['baseUrl', 'startDate'])
        if (at(section, [key]) !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['warehouse', 'sources', name, key],
            message: `set in sources.${name}.${key}; remove it from the warehouse section`,
          });
    }
  }
  const parsed = warehouseConfigSchema.safeParse(
    mergeConfigInputs(warehouseConfigInput(config), runtimePlaceholders),
  );
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      ctx.addIssue({
        code: 'custom',
        path: ['warehouse', ...issue.path.map(String)],
        message: issue.message,
      });
}

export const deploymentConfigSchema = deploymentObjectSchema.superRefine(checkWarehouseSection);

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
