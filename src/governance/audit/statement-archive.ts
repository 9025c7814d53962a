import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { LakeConfig } from '#src/stores/store-config.ts';
import { sha256Hex } from './audit-entry.ts';

/**
 * Where the text of role queries is kept for compliance review. The chained audit entry holds only
 * the statement's SHA-256 and this archive's reference (`statement_ref`): a statement may quote
 * personal data in a WHERE clause, so its text goes where only compliance reads it — locally a
 * folder of the state directory with owner-only permissions, in AWS a `compliance/statements/`
 * prefix that only the compliance role's policy grants.
 */
export interface StatementArchive {
  /** Store `text` under its hash (idempotent); returns the reference written into the audit entry. */
  put(text: string): Promise<{ readonly sha256: string; readonly ref: string }>;
}

export class LocalStatementArchive implements StatementArchive {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async put(text: string): Promise<{ sha256: string; ref: string }> {
    const sha256 = sha256Hex(text);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const path = join(this.dir, `${sha256}.sql`);
    // `wx`: an existing file with this hash already holds this text.
    await writeFile(path, text, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    return { sha256, ref: `statements/${sha256}.sql` };
  }

  /** The text behind a hash (compliance review). */
  get(sha256: string): Promise<string> {
    return readFile(join(this.dir, `${sha256}.sql`), 'utf8');
  }
}

export class S3StatementArchive implements StatementArchive {
  private readonly client: S3Client;
  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    clientConfig: S3ClientConfig = {},
    client?: S3Client,
  ) {
    this.client = client ?? new S3Client(clientConfig);
  }

  async put(text: string): Promise<{ sha256: string; ref: string }> {
    const sha256 = sha256Hex(text);
    const key = `${this.prefix}${sha256}.sql`;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: text,
        ContentType: 'application/sql',
        ServerSideEncryption: 'aws:kms',
      }),
    );
    return { sha256, ref: `s3://${this.bucket}/${key}` };
  }
}

/** The archive beside the configured audit log: `<stateDir>/compliance/statements` or the lake bucket. */
export function createStatementArchive(config: {
  readonly lake: LakeConfig;
  readonly stateDir: string;
}): StatementArchive {
  if (config.lake.kind === 's3') {
    const prefix = `${config.lake.prefix}${config.lake.prefix && !config.lake.prefix.endsWith('/') ? '/' : ''}compliance/statements/`;
    return new S3StatementArchive(config.lake.bucket, prefix, {
      region: config.lake.region,
      endpoint: config.lake.endpoint,
      forcePathStyle: config.lake.forcePathStyle,
    });
  }
  return new LocalStatementArchive(join(config.stateDir, 'compliance', 'statements'));
}
