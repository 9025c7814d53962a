import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import * as z from 'zod';
import { simulatorConfigSchema } from '#simulator/simulator-config.ts';
import { defaultSourcesConfig, sourcesConfigSchema } from '#src/connectors/sources-config.ts';
import { engineConfigSchema } from '#src/engines/engine-config.ts';
import { governanceConfigSchema } from '#src/governance/governance-config.ts';
import {
  alertsConfigSchema,
  deskConfigSchema,
  kpisConfigSchema,
  sentimentConfigSchema,
  slaConfigSchema,
} from '#src/kpi/kpi-config.ts';
import { privacyConfigSchema } from '#src/privacy/privacy-config.ts';
import { publishConfigSchema } from '#src/publish/publish-config.ts';
import { ConfigError } from '#src/shared/config-error.ts';
import { lakeConfigSchema } from '#src/stores/store-config.ts';

/**
 * The composed configuration: every module owns its section (schema and type in its own folder);
 * this composition layer puts them together and checks what spans sections. Nothing below the
 * composition layer (src/pipeline, src/cli, functions/, infra/) imports it: a module takes the
 * sections it reads (see docs/ARCHITECTURE-LAYERS.md).
 */
export const warehouseConfigSchema = z
  .strictObject({
    lake: lakeConfigSchema.default({ kind: 'local', root: 'var/lake' }),
    engine: engineConfigSchema.default({
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
    privacy: privacyConfigSchema.default({ hmacKeyEnv: 'WAREHOUSE_HMAC_KEY' }),
    sources: sourcesConfigSchema.default(defaultSourcesConfig()),
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
