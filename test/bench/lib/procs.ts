/**
 * Child processes and temp dirs of one bench run. Everything started here is
 * registered, so a failure, Ctrl-C or a normal exit ends every child and
 * removes every temp dir: a bench never leaves a broker listening behind it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** tsx's loader as an absolute URL, so a child may run in any cwd (a hub in its temp dir). */
const TSX_LOADER = import.meta.resolve('tsx');
/** Ends a child whose driver vanished (kill -9): see orphan-guard.ts. */
const ORPHAN_GUARD = new URL('./orphan-guard.ts', import.meta.url).href;

export interface SpawnOptions {
  args?: string[];
  /** Extra `node` flags (`--cpu-prof` …). */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Open an IPC channel (load generators talk to the driver over it). */
  ipc?: boolean;
  /** A name for logs and error messages. */
  name: string;
  /** Also append everything the child prints to this file. */
  logFile?: string;
}

/** A running child with the tail of its output, for error reports. */
export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or the signal's name) once the child is gone. */
  exited: Promise<number | string>;
  /** Last lines of stdout and stderr. */
  tail(): string;
  /** Every complete stdout line is passed here (the history bench reads fastify's log). */
  onLine(listener: (line: string) => void): void;
}

const TAIL_LINES = 60;

/** Environment without any `HEARTH_*` of the caller: the hub refuses unknown ones. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HEARTH_')) env[k] = v;
  return { ...env, ...extra };
}

export class Procs {
  private readonly children = new Set<Child>();
  private readonly dirs = new Set<string>();

  /** Runs a TypeScript file with `node --import tsx` (a real Node process, not a tsx wrapper). */
  spawnTs(script: string, options: SpawnOptions): Child {
    const nodeArgs = ['--import', TSX_LOADER, '--import', ORPHAN_GUARD, ...(options.nodeArgs ?? [])];
    return this.spawn(process.execPath, [...nodeArgs, script, ...(options.args ?? [])], options);
  }

  /** Runs any executable. */
  spawn(file: string, args: string[], options: SpawnOptions): Child {
    const stdio: ('pipe' | 'ignore' | 'ipc')[] = ['ignore', 'pipe', 'pipe'];
    if (options.ipc) stdio.push('ipc');
    const proc = spawn(file, args, {
      cwd: options.cwd ?? projectRoot,
      env: options.env ?? cleanEnv(),
      stdio,
    });
    if (proc.pid === undefined) throw new Error(`could not start ${options.name}`);
    const lines: string[] = [];
    const listeners: ((line: string) => void)[] = [];
    const keep = (stream: NodeJS.ReadableStream | null, isStdout: boolean) => {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          lines.push(line);
          if (lines.length > TAIL_LINES) lines.shift();
          if (isStdout) for (const l of listeners) l(line);
        }
      });
    };
    keep(proc.stdout, true);
    keep(proc.stderr, false);
    if (options.logFile) {
      mkdirSync(dirname(options.logFile), { recursive: true });
      const log = createWriteStream(options.logFile, { flags: 'a' });
      proc.stdout?.pipe(log, { end: false });
      proc.stderr?.pipe(log, { end: false });
      proc.once('exit', () => log.end());
    }
    const exited = new Promise<number | string>((res) => {
      proc.once('exit', (code, signal) => res(code ?? signal ?? 'unknown'));
    });
    const child: Child = {
      name: options.name,
      proc,
      pid: proc.pid,
      exited,
      tail: () => lines.join('\n'),
      onLine: (l) => listeners.push(l),
    };
    this.children.add(child);
    void exited.then(() => this.children.delete(child));
    // A spawn error (missing binary) surfaces through `exited` and the caller's timeout.
    proc.on('error', () => {});
    return child;
  }

  /** Sends `signal`, waits up to `graceMs`, then SIGKILL. Resolves with how it ended. */
  async stop(child: Child, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | string> {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return child.exited;
    child.proc.kill(signal);
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
    const how = await child.exited;
    clearTimeout(timer);
    return how;
  }

  /** A fresh temp dir, removed at cleanup. */
  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `hearth-bench-${prefix}-`));
    this.dirs.add(dir);
    return dir;
  }

  /** Graceful: SIGTERM every child (in parallel), then remove temp dirs. */
  async cleanup(): Promise<void> {
    await Promise.all([...this.children].map((c) => this.stop(c, 'SIGTERM', 5000)));
    this.removeDirs();
  }

  /** Last resort, synchronous (process 'exit' handler): SIGKILL everything still alive. */
  killAllSync(): void {
    for (const c of this.children) {
      try {
        c.proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    this.removeDirs();
  }

  private removeDirs(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

/** A TCP port free on 127.0.0.1 right now: the test suite's helper. */
export { freePort } from '../../helpers/mosquitto-broker.ts';

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

/** Polls `probe` every `everyMs` until it returns a value, or throws after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
