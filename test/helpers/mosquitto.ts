/**
 * Debian's mosquitto-clients as third-party peers: `mosquitto_pub` runs to
 * completion; `mosquitto_sub` runs in the background with its output read
 * line by line (stdbuf keeps its stdout line-buffered through the pipe).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';

export const MOSQUITTO_PUB = '/usr/bin/mosquitto_pub';
export const MOSQUITTO_SUB = '/usr/bin/mosquitto_sub';

/** Connection arguments for a device's credentials. */
export function mosquittoAuth(port: number, id: string, password: string): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-i', id, '-u', id, '-P', password];
}

export interface ExitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs mosquitto_pub with `args`; resolves with its exit code and output (bounded by `timeoutMs`). */
export function mosquittoPub(args: string[], timeoutMs = 10_000): Promise<ExitResult> {
  return new Promise((resolve) => {
    execFile(MOSQUITTO_PUB, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface BackgroundSub {
  /** Everything printed so far (stdout and stderr), one entry per line. */
  lines(): string[];
  /** Resolves once the process exited. */
  exited: Promise<number | null>;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
}

/** Starts `mosquitto_sub -d` with `args` in the background. */
export function mosquittoSub(args: string[]): BackgroundSub {
  const child: ChildProcess = spawn('stdbuf', ['-oL', '-eL', MOSQUITTO_SUB, '-d', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
  });
  return {
    lines: () => text.split('\n').filter((l) => l.length > 0),
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
