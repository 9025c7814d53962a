import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * One writer at a time locally: `run`, `extract`, `transform`, `publish` and `retention` hold
 * `<stateDir>/warehouse.lock` while they work. Two runs at once would both extract the same pages
 * (doubling landing) and then collide on DuckDB's own file lock halfway through. The lock is a file
 * created exclusively (O_EXCL), holding who took it; a lock whose process is gone (same host, pid
 * not alive) is stale and taken over. In AWS the state machine runs one execution at a time.
 */
export const LOCK_FILE = 'warehouse.lock';

const holderSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  command: z.string(),
  startedAt: z.string(),
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
      holder
        ? `Another warehouse command is running: \`${holder.command}\` (pid ${holder.pid} on ${holder.host}, ` +
            `started ${holder.startedAt}). Wait for it to finish; if that process is gone, delete ${path}.`
        : `Another warehouse command holds ${path} (its holder is unreadable). ` +
            'Wait for it to finish; if no warehouse command is running, delete the file.',
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
