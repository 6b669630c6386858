/**
 * The baseline brokers: a bare aedes (test/bench/bare-aedes.ts) and, when Debian's
 * package is installed, Mosquitto with a throw-away config. Each runs in its
 * own process on a free 127.0.0.1 port, like the hub.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type Child, freePort, type Procs, projectRoot, waitUntil } from './procs.ts';
import { MOSQUITTO } from './sys.ts';

export interface Broker {
  name: string;
  url: string;
  /** The broker's own process (for CPU and RSS). */
  pid: number;
  stop(): Promise<void>;
}

function acceptsTcp(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(undefined));
  });
}

async function listening(child: Child, port: number): Promise<void> {
  const exited = child.exited.then((how) => {
    throw new Error(`${child.name} exited (${how}):\n${child.tail()}`);
  });
  await Promise.race([waitUntil(`${child.name} on port ${port}`, () => acceptsTcp(port), 60_000), exited]);
}

export interface BareAedesOptions {
  /** Default: a free port; pass the old one to restart. */
  port?: number;
  /** Set TCP_NODELAY on its sockets. */
  noDelay?: boolean;
  /** Write a V8 CPU profile here (`--profile`). */
  profileDir?: string | null;
}

export async function startBareAedes(
  procs: Procs,
  o: BareAedesOptions = {},
): Promise<Broker & { port: number }> {
  const port = o.port ?? (await freePort());
  const child = procs.spawnTs(join(projectRoot, 'test', 'bench', 'bare-aedes.ts'), {
    name: 'bare-aedes',
    args: [String(port), ...(o.noDelay ? ['--nodelay'] : [])],
    nodeArgs: o.profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(o.profileDir, 'bare-aedes')] : [],
  });
  await listening(child, port);
  return {
    name: 'bare aedes',
    port,
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => void (await procs.stop(child)),
  };
}

export const hasMosquitto = (): boolean => existsSync(MOSQUITTO);

/**
 * Mosquitto cannot load orphan-guard.ts, so a shell watches for it: it runs
 * mosquitto, forwards SIGTERM, and stops it when the driver ($3) is gone
 * (killed -9), so no broker outlives the bench.
 */
const GUARD = [
  '"$1" -c "$2" & m=$!',
  "trap 'kill $m 2>/dev/null' TERM INT",
  'while kill -0 $m 2>/dev/null && kill -0 "$3" 2>/dev/null; do sleep 0.5; done',
  'kill $m 2>/dev/null',
  'wait $m',
].join('; ');

/** The pid of the guard's only child (mosquitto itself). */
function childPid(pid: number): number {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0];
    return first ? Number(first) : pid;
  } catch {
    return pid;
  }
}

export async function startMosquitto(procs: Procs): Promise<Broker> {
  const port = await freePort();
  const dir = procs.tempDir('mosquitto');
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      // The default 1000 silently drops QoS 1 messages to a subscriber that falls behind.
      'max_queued_messages 100000',
      'max_inflight_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  const child = procs.spawn('sh', ['-c', GUARD, 'mosquitto-guard', MOSQUITTO, conf, String(process.pid)], {
    name: 'mosquitto',
  });
  await listening(child, port);
  return {
    name: 'Mosquitto',
    url: `mqtt://127.0.0.1:${port}`,
    pid: childPid(child.pid),
    stop: async () => void (await procs.stop(child)),
  };
}
