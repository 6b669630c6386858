/**
 * A real Mosquitto broker (Debian's `/usr/sbin/mosquitto`) on a free
 * loopback port, with its own temp config, as a reference peer for tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export const mosquittoInstalled = (): boolean => existsSync(MOSQUITTO);

/** A port nobody listens on right now (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface MosquittoBroker {
  port: number;
  url: string;
  /** What mosquitto printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts mosquitto with anonymous access on 127.0.0.1 and waits until it accepts connections. */
export async function startMosquitto(): Promise<MosquittoBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // max_queued_messages: the default (1000) drops QoS 1/2 messages of a busy test peer.
  // set_tcp_nodelay: without it, QoS 2 handshakes wait on delayed ACKs (Nagle).
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 100000',
      'set_tcp_nodelay true',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited: ${text}`);
        return accepts(port);
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'mosquitto to listen' },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, url: `mqtt://127.0.0.1:${port}`, output: () => text, stop };
}
