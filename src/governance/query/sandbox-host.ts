import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PlannedAccess } from '#src/governance/access/check-plan.ts';
import type { SandboxProgress } from './sandbox-process.ts';
import type { SandboxReply, SandboxRequest } from './sandbox-protocol.ts';

/** Time the process gets past the budget to stop on its own interrupt before it is killed. */
const KILL_GRACE_MS = 2_000;
const MEMORY_POLL_MS = 50;

const SANDBOX_PROCESS = fileURLToPath(new URL('./sandbox-process.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Pending {
  readonly request: SandboxRequest;
  readonly started: number;
  readonly resolve: (reply: SandboxReply) => void;
  access?: PlannedAccess;
  killedFor?: 'time' | 'memory';
  timers: NodeJS.Timeout[];
}

/**
 * Runs role queries in a separate process, one at a time, and is the hard stop behind the budgets:
 * a statement DuckDB cannot interrupt (a scalar function building a 2 GB string) is killed at its
 * time budget plus a grace period, and a process whose resident memory passes the role's
 * `processMemoryMb` is killed at once. A killed or crashed process answers `killed` (with what the
 * plan was reading, when it got that far) and the next query starts a fresh one.
 */
export class SandboxHost {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private tempRoot: string | undefined;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  /** Processes started so far (a killed one is replaced). */
  started = 0;

  /** `onPlanned`: told when a statement passed its checks and starts to run (with its process id). */
  constructor(private readonly options: { onPlanned?: (pid: number, access: PlannedAccess) => void } = {}) {}

  query(request: Omit<SandboxRequest, 'id'>): Promise<SandboxReply> {
    const run = this.queue.then(() => this.send({ ...request, id: this.nextId++ }));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    }
  }

  private spawn(): { child: ChildProcess; ready: Promise<void> } {
    // The process's spill folders live here and go with it, also when it is killed mid-statement.
    const tempRoot = mkdtempSync(join(tmpdir(), 'role-sandbox-host-'));
    this.tempRoot = tempRoot;
    const child = fork(SANDBOX_PROCESS, [], {
      execArgv: ['--import', TSX_LOADER],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.started += 1;
    let stderr = '';
    // Budgets start when the process can take a statement: loading TypeScript and DuckDB is not the query's time.
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { kind?: string }) => {
        if (message.kind !== 'ready') return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) =>
        reject(
          new Error(
            `the query sandbox process did not start (${signal ?? `exit ${code}`}): ${stderr.trim().slice(0, 500)}`,
          ),
        );
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2_000);
    });
    child.on('message', (message: SandboxReply | SandboxProgress | { kind: 'ready' }) => {
      if (message.kind === 'ready') return;
      const pending = this.pending;
      if (!pending || message.id !== pending.request.id) return;
      if (message.kind === 'planned') {
        pending.access = message.access;
        if (child.pid !== undefined) this.options.onPlanned?.(child.pid, message.access);
        return;
      }
      this.finish(message);
    });
    child.on('exit', (code, signal) => {
      rmSync(tempRoot, { recursive: true, force: true });
      if (this.child === child) this.child = undefined;
      const pending = this.pending;
      if (!pending) return;
      const reason = pending.killedFor ?? 'crash';
      const budget = pending.request.budget;
      this.finish({
        kind: 'killed',
        id: pending.request.id,
        reason,
        message:
          reason === 'time'
            ? `the statement did not stop at the ${budget.timeoutMs} ms budget of role ${pending.request.role} and its process was killed`
            : reason === 'memory'
              ? `the statement's process passed the ${budget.processMemoryMb} MB budget of role ${pending.request.role} and was killed`
              : `the query process died (${signal ?? `exit ${code}`}): ${stderr.split('\n').find((l) => l.trim()) ?? 'no message'}`,
        ...(pending.access ? { access: pending.access } : {}),
        ms: Date.now() - pending.started,
      });
    });
    return { child, ready };
  }

  private async send(request: SandboxRequest): Promise<SandboxReply> {
    if (!this.child || !this.ready || this.child.exitCode !== null || this.child.signalCode !== null) {
      const { child, ready } = this.spawn();
      this.child = child;
      this.ready = ready;
    }
    const child = this.child;
    await this.ready;
    return new Promise<SandboxReply>((resolve) => {
      const pending: Pending = { request, started: Date.now(), resolve, timers: [] };
      this.pending = pending;
      const kill = (reason: 'time' | 'memory') => {
        if (pending.killedFor) return;
        pending.killedFor = reason;
        child.kill('SIGKILL');
      };
      pending.timers.push(setTimeout(() => kill('time'), request.budget.timeoutMs + KILL_GRACE_MS));
      if (process.platform === 'linux' && child.pid !== undefined) {
        const pid = child.pid;
        pending.timers.push(
          setInterval(() => {
            const rss = residentMb(pid);
            if (rss !== undefined && rss > request.budget.processMemoryMb) kill('memory');
          }, MEMORY_POLL_MS),
        );
      }
      child.send({ ...request, tempRoot: this.tempRoot });
    });
  }

  private finish(reply: SandboxReply): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    for (const timer of pending.timers) clearTimeout(timer);
    pending.resolve(reply);
  }
}

/** Resident set size of a process in MB (Linux `/proc`), undefined once it is gone. */
function residentMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
