import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { type ObjectStore, PreconditionFailedError } from '#src/stores/object-store.ts';

/**
 * One writer at a time locally: `run`, `extract`, `transform`, `publish` and `retention` hold
 * `<stateDir>/warehouse.lock` while they work. Two runs at once would both extract the same pages
 * (doubling landing) and then collide on DuckDB's own file lock halfway through. The lock is a file
 * created exclusively (O_EXCL), holding who took it; a lock whose process is gone (same host, pid
 * not alive) is stale and taken over.
 *
 * In AWS the same idea is an object, `state/run.lock` in the lake (`acquireObjectRunLock`): created
 * with S3's `If-None-Match: *` (of two runs starting at once exactly one creates it), naming the run
 * that holds it and when it expires (the state machine's time limit: no execution can still hold it
 * after that), taken over from an expired holder with `If-Match` on the version read, and released
 * with `If-Match` so a run never deletes a lock that is no longer its own.
 */
export const LOCK_FILE = 'warehouse.lock';

const holderSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  command: z.string(),
  startedAt: z.string(),
  /** Object locks: the run (state machine execution) holding it, and when it is stale. */
  runId: z.string().optional(),
  expiresAt: z.string().optional(),
});
export type LockHolder = z.infer<typeof holderSchema>;

/** Another process holds the lock: wait for it to end, or remove the file if it is certainly gone. */
export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
  constructor(
    readonly path: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      holder?.runId
        ? `Another run holds the run lock: the ${holder.command} run ${holder.runId} (${holder.host}, started ` +
            `${holder.startedAt}, the lock expires ${holder.expiresAt ?? 'never'}). This run was refused and did nothing; ` +
            `the next scheduled run goes ahead once that one ends. If that run is certainly no longer running, delete ${path}.`
        : holder
          ? `Another warehouse command is running: \`${holder.command}\` (pid ${holder.pid} on ${holder.host}, ` +
            `started ${holder.startedAt}). Wait for it to finish; if that process is gone, delete ${path}.`
          : `Another warehouse command holds ${path} (its holder is unreadable). ` +
            'Wait for it to finish; if no warehouse command is running, delete it.',
    );
  }
}

export interface RunLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** The lock a dead holder left, taken over by this one (its holder), if any. */
  readonly tookOverFrom: LockHolder | undefined;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined | 'gone'> {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return undefined;
  }
}

/** Take the lock or throw `RunLockedError` naming its holder. */
export async function acquireRunLock(stateDir: string, command: string): Promise<RunLock> {
  await mkdir(stateDir, { recursive: true });
  const path = join(stateDir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command,
    startedAt: new Date().toISOString(),
  };
  let tookOverFrom: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
      let released = false;
      return {
        path,
        holder,
        tookOverFrom,
        release: async () => {
          if (released) return;
          released = true;
          // Only our own lock: a stale-lock takeover by someone else must not be undone.
          const current = await readHolder(path);
          if (current !== 'gone' && current?.pid === holder.pid && current.host === holder.host)
            await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = await readHolder(path);
    if (current === 'gone') continue;
    const stale = current !== undefined && current.host === holder.host && !alive(current.pid);
    if (!stale) throw new RunLockedError(path, current);
    tookOverFrom = current;
    await rm(path, { force: true });
  }
  throw new RunLockedError(path, undefined);
}

/** Run `work` holding the lock; released however `work` ends. */
export async function withRunLock<T>(stateDir: string, command: string, work: () => Promise<T>): Promise<T> {
  const lock = await acquireRunLock(stateDir, command);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

/** Where the object lock lives in the lake (the raw bucket in AWS). */
export const RUN_LOCK_KEY = 'state/run.lock';

export interface ObjectRunLock {
  readonly key: string;
  readonly holder: LockHolder;
  /** The version written: release deletes only this version. */
  readonly etag: string;
  /** The expired lock this run took over, if any. */
  readonly tookOverFrom: LockHolder | undefined;
}

export interface ObjectLockOptions {
  readonly runId: string;
  /** What the run does (`extract`, `full`, `models`, `warehouse run`): said to a refused run. */
  readonly command: string;
  /** Who runs it: the function name in Lambda, the host name locally. */
  readonly host: string;
  /** After this long the lock is stale: longer than any holder can run (the state machine's timeout). */
  readonly ttlMs: number;
  readonly now?: () => Date;
}

function parseHolder(body: Uint8Array): LockHolder | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(Buffer.from(body).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Take the run lock object or throw `RunLockedError` naming the run that holds it. Taking it again
 * for the same run id succeeds (a retried step whose first write landed). A lock past its
 * `expiresAt` is stale and taken over with `If-Match` on the version read, so of two runs taking
 * over one stale lock only one succeeds; an unreadable lock is never guessed over.
 */
export async function acquireObjectRunLock(
  store: ObjectStore,
  options: ObjectLockOptions,
): Promise<ObjectRunLock> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const holder: LockHolder = {
    pid: process.pid,
    host: options.host,
    command: options.command,
    startedAt: started.toISOString(),
    runId: options.runId,
    expiresAt: new Date(started.getTime() + options.ttlMs).toISOString(),
  };
  const body = `${JSON.stringify(holder)}\n`;
  const write = { contentType: 'application/json' };
  let tookOverFrom: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const etag = await store.putIf(RUN_LOCK_KEY, body, { ifNoneMatch: '*' }, write);
      return { key: RUN_LOCK_KEY, holder, etag, tookOverFrom };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
    const current = await store.getTagged(RUN_LOCK_KEY);
    if (!current) continue; // released in between: try again
    const held = parseHolder(current.body);
    if (held?.runId === options.runId)
      return { key: RUN_LOCK_KEY, holder: held, etag: current.etag, tookOverFrom: undefined };
    const stale = held?.expiresAt !== undefined && Date.parse(held.expiresAt) <= now().getTime();
    if (!stale) throw new RunLockedError(store.uri(RUN_LOCK_KEY), held);
    try {
      const etag = await store.putIf(RUN_LOCK_KEY, body, { ifMatch: current.etag }, write);
      return { key: RUN_LOCK_KEY, holder, etag, tookOverFrom: held };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      tookOverFrom = undefined; // another run took it over first: look again
    }
  }
  throw new RunLockedError(store.uri(RUN_LOCK_KEY), undefined);
}

/**
 * Release the run lock if `runId` still holds it. Returns what it found: `released`, `absent`, or
 * `not-held` (an expired lock taken over by another run, which must not be undone).
 */
export async function releaseObjectRunLock(
  store: ObjectStore,
  runId: string,
): Promise<'released' | 'absent' | 'not-held'> {
  const current = await store.getTagged(RUN_LOCK_KEY);
  if (!current) return 'absent';
  if (parseHolder(current.body)?.runId !== runId) return 'not-held';
  try {
    await store.deleteIf(RUN_LOCK_KEY, current.etag);
    return 'released';
  } catch (error) {
    if (error instanceof PreconditionFailedError) return 'not-held';
    throw error;
  }
}
