/**
 * What the bench reads about processes and the machine: RSS and CPU time from
 * /proc (so the numbers are the kernel's, not the process's own view), and
 * the machine description printed at the top of every report.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { projectRoot } from './procs.ts';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const HZ = 100;

function statusField(pid: number, field: string): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Resident set size in bytes (VmRSS), or null when the process is gone. */
export const rssBytes = (pid: number): number | null => statusField(pid, 'VmRSS');
/** Peak resident set size in bytes (VmHWM). */
export const peakRssBytes = (pid: number): number | null => statusField(pid, 'VmHWM');

/** utime + stime of a /proc stat line, in ms. The comm field may hold spaces: parse after ')'. */
function statCpuMs(text: string): number {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5); `rest` starts at field 3.
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / HZ;
}

/** CPU time (user + system) a process used so far, in ms; 0 when gone. */
export function cpuMs(pid: number): number {
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

/**
 * CPU time of the main thread and of all other threads together (libuv's pool,
 * where scrypt runs; V8's GC helpers; worker threads), in ms. Node names all
 * of those "node", so they cannot be told apart by name.
 */
export function threadCpuMs(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const base = join('/proc', String(pid), 'task', tid);
      const comm = readFileSync(join(base, 'comm'), 'utf8').trim();
      const name = tid === String(pid) ? 'main' : comm === 'node' ? 'other threads' : comm;
      out[name] = (out[name] ?? 0) + statCpuMs(readFileSync(join(base, 'stat'), 'utf8'));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** A CPU stopwatch over several processes: % of one core each, between start and stop. */
export function cpuMeter(pids: Record<string, number>): () => Record<string, number> {
  const t0 = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
  return () => {
    const wall = performance.now() - t0;
    return Object.fromEntries(
      Object.entries(pids).map(([k, pid]) => [k, round(((cpuMs(pid) - (before[k] ?? 0)) / wall) * 100, 0)]),
    );
  };
}

/** Differences between two per-thread snapshots, as % of one core over `wallMs`. */
export function threadShare(
  before: Record<string, number>,
  after: Record<string, number>,
  wallMs: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const pct = round(((v - (before[k] ?? 0)) / wallMs) * 100, 0);
    if (pct >= 1) out[k] = pct;
  }
  return out;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '?';
  } catch {
    return '?';
  }
}

export const MOSQUITTO = '/usr/sbin/mosquitto';

function mosquittoVersion(): string | null {
  if (!existsSync(MOSQUITTO)) return null;
  try {
    // `-h` prints the version and exits with status 3.
    execFileSync(MOSQUITTO, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const out = String((err as { stdout?: unknown }).stdout ?? '');
    return /version (\S+)/.exec(out)?.[1] ?? '?';
  }
  return '?';
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  ram_gb: number;
  kernel: string;
  node: string;
  sqlite: string;
  better_sqlite3: string;
  aedes: string;
  mqtt_js: string;
  socket_io: string;
  mosquitto: string | null;
  uv_threadpool_size: number;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  load_at_start: number;
}

export function machineInfo(): MachineInfo {
  const db = new Database(':memory:');
  const sqlite = String(db.prepare('SELECT sqlite_version()').pluck().get());
  db.close();
  return {
    cpu: cpus()[0]?.model.trim() ?? '?',
    cores: cpus().length,
    ram_gb: round(totalmem() / 2 ** 30, 1),
    kernel: release(),
    node: process.version,
    sqlite,
    better_sqlite3: packageVersion('better-sqlite3'),
    aedes: packageVersion('aedes'),
    mqtt_js: packageVersion('mqtt'),
    socket_io: packageVersion('socket.io'),
    mosquitto: mosquittoVersion(),
    uv_threadpool_size: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    load_at_start: round(loadavg()[0] ?? 0, 2),
  };
}
