import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import * as z from 'zod';
import { memoryLimitSchema, webUrlSchema } from '#src/config/field-schemas.ts';
import { hubspotConfigSchema } from '#src/connectors/hubspot/hubspot-config.ts';
import { zendeskConfigSchema } from '#src/connectors/zendesk/zendesk-config.ts';
import { governanceConfigSchema } from '#src/governance/governance-config.ts';
import {
  alertsConfigSchema,
  deskConfigSchema,
  kpisConfigSchema,
  sentimentConfigSchema,
  slaConfigSchema,
} from '#src/kpi/kpi-config.ts';
import { publishConfigSchema } from '#src/publish/publish-config.ts';
import { simulatorConfigSchema } from '#src/simulator/simulator-config.ts';

const lakeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local'), root: z.string().min(1).default('var/lake') }),
  z.strictObject({
    kind: z.literal('s3'),
    bucket: z.string().min(3),
    prefix: z.string().default(''),
    region: z.string().optional(),
    /** S3-compatible endpoint (tests, MinIO); absent = AWS. */
    endpoint: webUrlSchema.optional(),
    forcePathStyle: z.boolean().default(false),
  }),
]);

const engineSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('duckdb'),
    /** Database file; ':memory:' for a throw-away run. */
    database: z.string().min(1).default('var/warehouse.duckdb'),
    memoryLimit: memoryLimitSchema.default('4GB'),
    threads: z.number().int().positive().max(1024).default(2),
    /** Where DuckDB spills what does not fit in `memoryLimit`; default: `<database>.tmp`. */
    tempDirectory: z.string().min(1).optional(),
    /** The most DuckDB may spill (e.g. `50GB`); default: DuckDB's, 90 % of the free disk. */
    maxTempDirectorySize: memoryLimitSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('athena'),
    workgroup: z.string().min(1),
    database: z.string().min(1),
    catalog: z.string().default('AwsDataCatalog'),
    region: z.string().optional(),
    /** Athena API endpoint override, e.g. the local Athena (`warehouse athena-local`); default: AWS. */
    endpoint: z.url().optional(),
    /** First delay between polls of a running query (× 1.5 each poll up to maxPollMs; default 100 ms → 1 s); tests on the local Athena lower it. */
    initialPollMs: z.number().int().positive().optional(),
    maxPollMs: z.number().int().positive().optional(),
    /** Where curated Iceberg tables live: s3://bucket/prefix/ */
    curatedLocation: z.string().startsWith('s3://'),
    /**
     * `vacuum_max_snapshot_age_seconds` of every Iceberg table the warehouse creates: how long old
     * snapshots (time travel) keep their data files. Rows retention deletes are gone from every data
     * file once maintenance (OPTIMIZE + VACUUM) runs after this age; see docs/DECISIONS.md.
     */
    snapshotMaxAgeSeconds: z.number().int().min(3600).max(432_000).default(86_400),
  }),
]);

export const warehouseConfigSchema = z
  .strictObject({
    lake: lakeSchema.default({ kind: 'local', root: 'var/lake' }),
    engine: engineSchema.default({
      kind: 'duckdb',
      database: 'var/warehouse.duckdb',
      memoryLimit: '4GB',
      threads: 2,
    }),
    /** Where run state that is not data lives locally: checkpoints, audit log, alerts. */
    stateDir: z
      .string()
      .trim()
      .min(
        1,
        'must name a folder (an empty one would write state, secrets included, into the current folder)',
      )
      .default('var/state'),
    privacy: z
      .strictObject({
        /** Environment variable holding the HMAC key for customer keys (a Secrets Manager value in AWS). */
        hmacKeyEnv: z.string().min(1).default('WAREHOUSE_HMAC_KEY'),
      })
      .default({ hmacKeyEnv: 'WAREHOUSE_HMAC_KEY' }),
    /**
     * One section per source. The two bundled connectors' sections are typed here; a section for any
     * other source (a new `src/connectors/<source>/` folder) is checked by that connector's own schema
     * when it opens, which is still before anything is read or written.
     */
    sources: z
      .object({
        zendesk: zendeskConfigSchema.optional(),
        hubspot: hubspotConfigSchema.optional(),
      })
      .catchall(z.record(z.string(), z.unknown()).optional())
      .default({ zendesk: zendeskConfigSchema.parse({}), hubspot: hubspotConfigSchema.parse({}) }),
    simulator: simulatorConfigSchema.default(simulatorConfigSchema.parse({})),
    desk: deskConfigSchema.default(deskConfigSchema.parse({})),
    sla: slaConfigSchema.default(slaConfigSchema.parse({})),
    kpis: kpisConfigSchema.prefault({}),
    alerts: alertsConfigSchema.default(alertsConfigSchema.parse({})),
    sentiment: sentimentConfigSchema.default(sentimentConfigSchema.parse({})),
    governance: governanceConfigSchema.default(governanceConfigSchema.parse({})),
    publish: publishConfigSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    // Files the warehouse writes on its own stay inside its state folder.
    const state = resolve(config.stateDir);
    const inside = (file: string) => {
      const rel = relative(state, resolve(state, file));
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    };
    if (!inside(config.alerts.file))
      ctx.addIssue({
        code: 'custom',
        path: ['alerts', 'file'],
        message: `must be a file inside the state folder (${config.stateDir}), got "${config.alerts.file}"`,
      });
    // The audit head's copy is worth something only where the audit folder is not.
    const anchor = config.governance.auditAnchorFile;
    if (anchor !== undefined) {
      const auditDir =
        config.governance.audit?.kind === 'local'
          ? resolve(config.governance.audit.dir)
          : resolve(state, 'audit');
      const rel = relative(auditDir, resolve(anchor));
      if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
        ctx.addIssue({
          code: 'custom',
          path: ['governance', 'auditAnchorFile'],
          message: `must be outside the audit folder (${auditDir}): a copy of the head beside the log protects nothing`,
        });
    }
  });

export type WarehouseConfig = z.infer<typeof warehouseConfigSchema>;
export type WarehouseConfigInput = z.input<typeof warehouseConfigSchema>;

/** Invalid configuration: raised before anything is read from a source or written to the lake. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly origin: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `Invalid configuration in ${origin}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}\n` +
        'Fix these fields and run again; nothing was read or written.',
    );
  }
}

/** Parse a configuration object once; every other module takes the typed result. */
export function parseConfig(input: unknown, origin = 'configuration'): WarehouseConfig {
  // Only "no configuration at all" means the defaults; a file holding null, a number or a list is an error.
  const result = warehouseConfigSchema.safeParse(input === undefined ? {} : input);
  if (!result.success) {
    throw new ConfigError(
      origin,
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

/** Read and parse a JSON configuration file; no path = all defaults (the embedded local setup). */
export function loadConfig(path?: string): WarehouseConfig {
  if (!path) return parseConfig({}, 'defaults');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      { path: '', message: `cannot read the file (${(error as Error).message})` },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [{ path: '', message: `not valid JSON (${(error as Error).message})` }]);
  }
  return parseConfig(json, path);
}
