import { createRequire } from 'node:module';
import type S3rver from 's3rver';

/**
 * S3's conditional writes for s3rver, the loopback S3 of the tests and the rehearsal.
 *
 * s3rver 3.7 (the last release) honours `If-None-Match` / `If-Match` on GET and HEAD only: a
 * PutObject or DeleteObject carrying them overwrites or deletes regardless. Amazon S3 evaluates
 * them on writes (PutObject since 2024-08, DeleteObject on general-purpose buckets since 2025):
 *   - `If-None-Match: *` on PUT: 412 PreconditionFailed when the key exists;
 *   - `If-Match: <etag>` on PUT or DELETE: 412 when the current ETag differs, 404 NoSuchKey when the
 *     key does not exist.
 * This shim is a Koa middleware placed before s3rver's router that checks those rules and then
 * lets the request through, holding a per-key mutex across the check and the write, so two
 * conditional writers of one key are serialised the way S3 serialises them (one wins, the other
 * gets 412). Unconditional writes of the key take the same mutex. Anything else passes untouched.
 *
 * Call it after `new S3rver(…)` and before `run()` (Koa composes the middleware at `listen`).
 */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | undefined>;
  app: { store: { getMetadata(bucket: string, key: string): Promise<{ etag: string }> } };
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

const require = createRequire(import.meta.url);
const S3Error = require('s3rver/lib/models/error.js') as new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error;

/** Query keys that make a PUT/DELETE something else than PutObject/DeleteObject. */
const SUBRESOURCES = ['uploadId', 'partNumber', 'tagging', 'acl', 'uploads', 'versionId'];

export function withConditionalWrites<T extends S3rver>(server: T): T {
  const locks = new Map<string, Promise<void>>();
  const middleware: Middleware = async (ctx, next) => {
    const isWrite = ctx.method === 'PUT' || ctx.method === 'DELETE';
    const parts = ctx.path.split('/').filter(Boolean);
    if (
      !isWrite ||
      parts.length < 2 ||
      SUBRESOURCES.some((q) => q in ctx.query) ||
      'x-amz-copy-source' in ctx.headers
    )
      return next();
    const bucket = decodeURIComponent(parts[0]!);
    const key = parts.slice(1).map(decodeURIComponent).join('/');
    const id = `${bucket}/${key}`;
    const before = locks.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chained = before.then(() => mine);
    locks.set(id, chained);
    await before;
    try {
      const ifNoneMatch = ctx.headers['if-none-match'];
      const ifMatch = ctx.headers['if-match'];
      if (ifNoneMatch !== undefined || ifMatch !== undefined) {
        const etag = await ctx.app.store.getMetadata(bucket, key).then(
          (m) => m.etag,
          () => undefined,
        );
        if (ifNoneMatch !== undefined && ctx.method === 'PUT' && ifNoneMatch.trim() === '*' && etag)
          throw new S3Error(
            'PreconditionFailed',
            'At least one of the pre-conditions you specified did not hold',
            {
              Condition: 'If-None-Match',
            },
          );
        if (ifMatch !== undefined && etag === undefined)
          throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
        if (ifMatch !== undefined && unquote(ifMatch) !== unquote(etag!))
          throw new S3Error(
            'PreconditionFailed',
            'At least one of the pre-conditions you specified did not hold',
            {
              Condition: 'If-Match',
            },
          );
      }
      await next();
    } finally {
      release();
      if (locks.get(id) === chained) locks.delete(id);
    }
  };
  const koa = server as unknown as { middleware: Middleware[] };
  // Before the router (the last middleware): s3rver's logger and XML encoder still wrap it.
  koa.middleware.splice(koa.middleware.length - 1, 0, middleware);
  return server;
}

const unquote = (etag: string) => etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
