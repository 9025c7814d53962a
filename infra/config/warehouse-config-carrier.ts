import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeConfigInputs } from '#src/config/merge-config-inputs.ts';
import type { WarehouseConfigInput } from '#src/config/warehouse-config.ts';

/**
 * Lambda limits all of a function's environment variables together to 4 KB (keys and values). The
 * warehouse configuration travels in `WAREHOUSE_CONFIG` while it stays under this many bytes with
 * the stack's deploy-time values at their longest, leaving 1.5 KB to the other variables (secret
 * and topic ARNs, bucket names, Powertools settings: about 0.9 KB).
 */
export const INLINE_CONFIG_MAX_BYTES = 2560;

/** Where a larger configuration is read from in the function: a layer is unpacked under /opt. */
export const CONFIG_LAYER_FILE = '/opt/warehouse-config/config.json';

/**
 * The stack's own settings at their longest once CloudFormation resolves them: bucket names
 * (63 characters), a region, the workgroup and database names (the deployment name is at most 25
 * characters).
 */
const longestRuntime = {
  lake: { kind: 's3', bucket: 'b'.repeat(63), prefix: '', region: 'ap-southeast-7' },
  engine: {
    kind: 'athena',
    workgroup: `${'w'.repeat(25)}-pipeline`,
    database: 'd'.repeat(25),
    region: 'ap-southeast-7',
    curatedLocation: `s3://${'c'.repeat(63)}/warehouse/`,
  },
};

export type ConfigCarriage =
  /** The whole configuration in `WAREHOUSE_CONFIG`. */
  | { readonly kind: 'environment'; readonly bytes: number }
  /**
   * The configuration (without lake and engine) in a file of a Lambda layer that `cdk deploy`
   * uploads as an asset; `WAREHOUSE_CONFIG` holds only lake and engine, `WAREHOUSE_CONFIG_FILE`
   * names the file. `assetDir` is the layer's content, written at synth.
   */
  | { readonly kind: 'layer'; readonly bytes: number; readonly assetDir: string; readonly file: string };

/**
 * How the configuration reaches the functions: in the environment while it fits (the rehearsal and
 * small deployments), else in a layer file read once per container. Both are fixed at deploy, so a
 * change of configuration is a deployment, and the functions never read it at run time from S3.
 */
export function configCarriage(input: WarehouseConfigInput): ConfigCarriage {
  const bytes = Buffer.byteLength(JSON.stringify(mergeConfigInputs(input, longestRuntime)), 'utf8');
  if (bytes <= INLINE_CONFIG_MAX_BYTES) return { kind: 'environment', bytes };
  const assetDir = mkdtempSync(join(tmpdir(), 'warehouse-config-layer-'));
  mkdirSync(join(assetDir, 'warehouse-config'));
  writeFileSync(join(assetDir, 'warehouse-config', 'config.json'), `${JSON.stringify(input, null, 2)}\n`);
  return { kind: 'layer', bytes, assetDir, file: CONFIG_LAYER_FILE };
}
