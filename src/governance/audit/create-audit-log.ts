import { join } from 'node:path';
import type { GovernanceConfig } from '#src/governance/governance-config.ts';
import type { PrivacyConfig } from '#src/privacy/privacy-config.ts';
import { resolveHmacKey } from '#src/privacy/resolve-hmac-key.ts';
import type { LakeConfig } from '#src/stores/store-config.ts';
import { FileAuditAnchor } from './audit-anchor.ts';
import { deriveAuditKey } from './audit-entry.ts';
import { AuditLog, type AuditLogOptions } from './audit-log.ts';
import type { AuditSink } from './audit-sink.ts';
import { LocalAuditSink } from './local/local-audit-sink.ts';
import { S3AuditSink } from './s3/s3-audit-sink.ts';

/**
 * The audit log the configuration names: `governance.audit` if set, else `<stateDir>/audit` for a
 * local lake and `<lake prefix>audit/` in the lake bucket for S3 (production sets the Object Lock
 * audit bucket explicitly).
 */
/** The sections the audit log reads: where it lives and the key its chain is keyed with. */
export interface AuditLogConfig {
  readonly governance: GovernanceConfig;
  readonly privacy: PrivacyConfig;
  readonly lake: LakeConfig;
  readonly stateDir: string;
}

export function createAuditLog(config: AuditLogConfig, options: AuditLogOptions = {}): AuditLog {
  const anchorFile = config.governance.auditAnchorFile;
  return new AuditLog(createAuditSink(config), {
    key: () => auditKey(config),
    ...(anchorFile ? { anchor: new FileAuditAnchor(anchorFile) } : {}),
    ...options,
  });
}

/**
 * The chain key, derived from the warehouse secret the customer keys use: the variable
 * `privacy.hmacKeyEnv` (filled from Secrets Manager in AWS), else locally the state folder's key.
 * In Lambda a missing variable is an error, never a fresh key that would break the chain.
 */
export async function auditKey(
  config: AuditLogConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const { key } = await resolveHmacKey({
    envName: config.privacy.hmacKeyEnv,
    stateDir: config.stateDir,
    env,
    allowLocalKey: !env.AWS_LAMBDA_FUNCTION_NAME,
  });
  return deriveAuditKey(key);
}

export function createAuditSink(config: Pick<AuditLogConfig, 'governance' | 'lake' | 'stateDir'>): AuditSink {
  const audit = config.governance.audit;
  if (audit?.kind === 'local') return new LocalAuditSink({ dir: audit.dir });
  if (audit?.kind === 's3')
    return new S3AuditSink({
      bucket: audit.bucket,
      prefix: audit.prefix,
      clientConfig: { region: audit.region, endpoint: audit.endpoint, forcePathStyle: audit.forcePathStyle },
    });
  if (config.lake.kind === 's3')
    return new S3AuditSink({
      bucket: config.lake.bucket,
      prefix: `${config.lake.prefix}${config.lake.prefix && !config.lake.prefix.endsWith('/') ? '/' : ''}audit/`,
      clientConfig: {
        region: config.lake.region,
        endpoint: config.lake.endpoint,
        forcePathStyle: config.lake.forcePathStyle,
      },
    });
  return new LocalAuditSink({ dir: join(config.stateDir, 'audit') });
}
