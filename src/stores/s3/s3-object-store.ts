import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertValidKey } from '#src/stores/object-key.ts';
import {
  type ObjectInfo,
  type ObjectStore,
  PreconditionFailedError,
  type PutOptions,
  type TaggedObject,
  type WriteCondition,
} from '#src/stores/object-store.ts';

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  /** Prepended to every key; '' or ending in '/'. */
  readonly prefix?: string;
  /** A ready client (tests, shared clients); otherwise one is built from `clientConfig`. */
  readonly client?: S3Client;
  readonly clientConfig?: S3ClientConfig;
  /** Part size of multipart uploads; S3's minimum is 5 MiB. */
  readonly partSize?: number;
}

/** DeleteObjects takes at most 1,000 keys a request. */
const DELETE_BATCH = 1000;

/**
 * The lake in an S3 bucket (or any S3-compatible server). PutObject and completed multipart uploads
 * are atomic for readers, which is the contract `put` promises.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly partSize: number;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = normalisePrefix(options.prefix ?? '');
    this.client = options.client ?? new S3Client(options.clientConfig ?? {});
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    await this.client.send(new PutObjectCommand(this.putInput(key, body, options)));
  }

  /** The PutObject input of a whole body, with its content type and encoding. */
  private putInput(key: string, body: Uint8Array | string, options?: PutOptions): PutObjectCommandInput {
    return {
      Bucket: this.bucket,
      Key: this.fullKey(key),
      Body: typeof body === 'string' ? Buffer.from(body) : body,
      ContentType: options?.contentType,
      ContentEncoding: options?.contentEncoding,
    };
  }

  async putStream(
    key: string,
    body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
    options?: PutOptions,
  ): Promise<void> {
    // If the body fails, that is the error to report, not the abort of the upload that follows it.
    let sourceError: unknown;
    async function* guarded(): AsyncIterable<Uint8Array> {
      try {
        for await (const chunk of body as AsyncIterable<Uint8Array>) yield chunk;
      } catch (error) {
        sourceError = error;
        throw error;
      }
    }
    const upload = new Upload({
      client: this.client,
      partSize: this.partSize,
      queueSize: 2,
      leavePartsOnError: false,
      params: {
        Bucket: this.bucket,
        Key: this.fullKey(key),
        Body: Readable.from(guarded()),
        ContentType: options?.contentType,
        ContentEncoding: options?.contentEncoding,
      },
    });
    try {
      await upload.done();
    } catch (error) {
      throw sourceError ?? error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }),
      );
      if (!result.Body) return new Uint8Array();
      return await result.Body.transformToByteArray();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async getTagged(key: string): Promise<TaggedObject | undefined> {
    try {
      const result = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }),
      );
      const body = result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
      return { body, etag: result.ETag ?? '' };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** PutObject with `If-None-Match: *` or `If-Match: <etag>`: S3 checks and writes atomically. */
  async putIf(
    key: string,
    body: Uint8Array | string,
    condition: WriteCondition,
    options?: PutOptions,
  ): Promise<string> {
    try {
      const result = await this.client.send(
        new PutObjectCommand({
          ...this.putInput(key, body, options),
          ...('ifNoneMatch' in condition ? { IfNoneMatch: '*' } : { IfMatch: condition.ifMatch }),
        }),
      );
      return result.ETag ?? '';
    } catch (error) {
      if (conditionFailed(error, condition)) throw new PreconditionFailedError(key, condition);
      throw error;
    }
  }

  async deleteIf(key: string, etag: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key), IfMatch: etag }),
      );
    } catch (error) {
      if (conditionFailed(error, { ifMatch: etag }))
        throw new PreconditionFailedError(key, { ifMatch: etag });
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ContinuationToken: continuationToken,
        }),
      );
      // ListObjectsV2 returns keys in UTF-8 binary order, which is the order the contract promises.
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield {
          key: object.Key.slice(this.prefix.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async delete(keys: readonly string[]): Promise<number> {
    let existed = 0;
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      // S3 reports missing keys as deleted, so count the ones that exist first.
      for (const key of batch) if (await this.exists(key)) existed += 1;
      const result = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((key) => ({ Key: this.fullKey(key) })), Quiet: true },
        }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new S3DeleteError(
          this.bucket,
          failed.map((e) => `${e.Key ?? '?'}: ${e.Code ?? ''} ${e.Message ?? ''}`.trim()),
        );
      }
    }
    return existed;
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${this.fullKey(key)}`;
  }

  private fullKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }
}

/** Some keys of a DeleteObjects request were not deleted. */
export class S3DeleteError extends Error {
  override readonly name = 'S3DeleteError';
  constructor(
    readonly bucket: string,
    readonly failures: readonly string[],
  ) {
    super(
      `S3 refused to delete ${failures.length} object(s) in bucket ${bucket}: ${failures.slice(0, 5).join('; ')}. ` +
        'Check the role has s3:DeleteObject on the prefix and that Object Lock does not retain them.',
    );
  }
}

function normalisePrefix(prefix: string): string {
  if (!prefix) return '';
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/** S3's answers to a condition that did not hold: 412, 409 (a concurrent conditional write), 404 for If-Match. */
function conditionFailed(error: unknown, condition: WriteCondition): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'PreconditionFailed' || status === 412) return true;
  if (e.name === 'ConditionalRequestConflict' || status === 409) return true;
  return 'ifMatch' in condition && isNotFound(error);
}

function isNotFound(error: unknown): boolean {
  if (error instanceof NoSuchKey || error instanceof NotFound) return true;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
