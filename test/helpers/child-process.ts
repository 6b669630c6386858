/**
 * Hearth's own entry points (the hub, the admin CLI) as real child processes:
 * output captured, a hard time bound, and a way to kill every one a test
 * started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Child {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<Exit>;
}

/** Our environment without HEARTH_* settings (a developer's own must not leak in), plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEARTH_')));
  return { ...base, ...extra };
}

/** Tracks children so a test's teardown can SIGKILL whatever is still running. */
export class Children {
  private readonly running = new Set<ChildProcess>();

  /** Runs `node --import tsx <script> …args` from the project root; killed after `limitMs`. */
  start(script: string, args: string[], env: Record<string, string>, limitMs = 60_000): Child {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: projectRoot,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.running.add(child);
    const output = { stdout: '', stderr: '' };
    child.stdout?.on('data', (b: Buffer) => {
      output.stdout += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      output.stderr += b.toString();
    });
    const exited = new Promise<Exit>((done) => {
      child.once('close', (code, signal) => {
        this.running.delete(child);
        done({ code, signal, ...output });
      });
    });
    // A hung child must not hang the suite.
    const guard = setTimeout(() => child.kill('SIGKILL'), limitMs);
    void exited.then(() => clearTimeout(guard));
    return { child, output, exited };
  }

  /** SIGKILLs every child still running and waits for them to be gone. */
  async killAll(): Promise<void> {
    const waits = [...this.running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    );
    await Promise.all(waits);
  }
}
