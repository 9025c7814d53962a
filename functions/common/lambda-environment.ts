import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { mergeConfigInputs } from '#src/config/merge-config-inputs.ts';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { InvalidEnvironmentError } from './handler-errors.ts';

/** The environment the infrastructure gives every pipeline function (infra/pipeline). */
export const pipelineEnvironmentSchema = z.object({
  /** The warehouse configuration (lake = raw bucket, engine = Athena), JSON. */
  WAREHOUSE_CONFIG: z.string().min(2),
  /**
   * A JSON file holding the rest of the configuration (desk, SLA, KPIs, holds, …) when it does not
   * fit in the environment (a layer file; infra/config/warehouse-config-carrier.ts).
   * `WAREHOUSE_CONFIG` then holds the stack's lake and engine, which win over the file.
   */
  WAREHOUSE_CONFIG_FILE: z.string().min(1).optional(),
  HMAC_SECRET_ARN: z.string().min(1),
  PUBLISHED_BUCKET: z.string().min(3),
  AUDIT_BUCKET: z.string().min(3),
  ALERT_TOPIC_ARN: z.string().min(1),
  AWS_LAMBDA_FUNCTION_NAME: z.string().min(1).default('local'),
  /** Extraction functions only. */
  SOURCE: z.enum(['zendesk', 'hubspot']).optional(),
  SOURCE_SECRET_ARN: z.string().min(1).optional(),
  /** Transform only: start no model with less than this left of the invocation (ms). */
  TRANSFORM_STOP_MARGIN_MS: z.coerce.number().int().positive().default(150_000),
  /** Transform only: cancel the statement still running this long before the time limit (ms). */
  TRANSFORM_CANCEL_MARGIN_MS: z.coerce.number().int().positive().default(60_000),
  /** The run-lock function only: seconds after which a held run lock is stale (the machine's time limit). */
  RUN_LOCK_TTL_SECONDS: z.coerce.number().int().positive().optional(),
});
export type PipelineEnvironment = z.infer<typeof pipelineEnvironmentSchema>;

export interface LambdaSettings {
  readonly env: PipelineEnvironment;
  /** The parsed warehouse configuration, audit log pointed at the Object Lock bucket. */
  readonly config: WarehouseConfig;
}

let cached: { raw: string; settings: LambdaSettings } | undefined;

/** Parse the environment and the configuration once per container (and again if they change). */
export function lambdaSettings(handler: string, source: NodeJS.ProcessEnv = process.env): LambdaSettings {
  const parsed = pipelineEnvironmentSchema.safeParse(source);
  if (!parsed.success) {
    throw new InvalidEnvironmentError(
      handler,
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }
  const env = parsed.data;
  const raw = JSON.stringify(env);
  if (cached?.raw === raw) return cached.settings;
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(env.WAREHOUSE_CONFIG) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidEnvironmentError(handler, [
      { path: 'WAREHOUSE_CONFIG', message: `not JSON (${(error as Error).message})` },
    ]);
  }
  if (env.WAREHOUSE_CONFIG_FILE) {
    let carried: unknown;
    try {
      carried = JSON.parse(readFileSync(env.WAREHOUSE_CONFIG_FILE, 'utf8'));
    } catch (error) {
      throw new InvalidEnvironmentError(handler, [
        { path: 'WAREHOUSE_CONFIG_FILE', message: `cannot read it as JSON (${(error as Error).message})` },
      ]);
    }
    input = mergeConfigInputs(carried, input) as Record<string, unknown>;
  }
  const governance = (input.governance ?? {}) as Record<string, unknown>;
  const lake = input.lake as { region?: string; endpoint?: string; forcePathStyle?: boolean } | undefined;
  const config = parseConfig(
    {
      ...input,
      governance: {
        ...governance,
        audit: {
          kind: 's3',
          bucket: env.AUDIT_BUCKET,
          prefix: 'audit-log/',
          ...(lake?.region ? { region: lake.region } : {}),
          ...(lake?.endpoint ? { endpoint: lake.endpoint, forcePathStyle: lake.forcePathStyle ?? true } : {}),
        },
      },
    },
    'WAREHOUSE_CONFIG',
  );
  const settings = { env, config };
  cached = { raw, settings };
  return settings;
}
