/**
 * Where did the hub's time go? Summarises a V8 `.cpuprofile` (from
 * `npm run bench -- --profile`, or `node --cpu-prof`) as self time per
 * package / project file and the heaviest functions, self and inclusive.
 *
 *   npx tsx test/bench/profile-summary.ts <file>.cpuprofile [--top 20] [--from <s>] [--to <s>] [--step <s>]
 *
 * `--from`/`--to` keep only the samples taken in that window (seconds since
 * the profile started), so start-up can be left out; the busy-per-second
 * timeline printed first shows where the phases of a run are.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from './lib/procs.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function isProfile(v: unknown): v is Profile {
  const p = v as Partial<Profile> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    Array.isArray(p.nodes) &&
    Array.isArray(p.samples) &&
    Array.isArray(p.timeDeltas)
  );
}

/** `node_modules/<pkg>`, a project file, `node:internal`, or a V8 pseudo-frame like `(garbage collector)`. */
function groupOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return url;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return (rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]) ?? path;
  }
  return relative(projectRoot, path);
}

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url ? `${groupOf(url, functionName)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

function top(map: Map<string, number>, n: number, total: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, us]) =>
        `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    );
}

export interface Window {
  from: number;
  to: number;
  /** Timeline resolution, seconds. */
  step: number;
}

export function summarize(
  profile: Profile,
  n = 20,
  window: Window = { from: 0, to: Infinity, step: 1 },
): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const self = new Map<number, number>();
  const idleIds = new Set(
    profile.nodes.filter((x) => x.callFrame.functionName === '(idle)').map((x) => x.id),
  );
  /** Busy µs per step since the start of the profile. */
  const timeline: number[] = [];
  let t = 0;
  // timeDeltas[i + 1] is the time spent in the frame sampled at i.
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const id = profile.samples[i] as number;
    const us = profile.timeDeltas[i + 1] ?? 0;
    const sec = Math.floor(t / 1e6 / window.step);
    if (!idleIds.has(id)) timeline[sec] = (timeline[sec] ?? 0) + us;
    if (t < window.from * 1e6 || t >= window.to * 1e6) continue;
    self.set(id, (self.get(id) ?? 0) + us);
  }
  let total = 0;
  let idle = 0;
  const groups = new Map<string, number>();
  const fns = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const g = groupOf(node.callFrame.url, name);
    groups.set(g, (groups.get(g) ?? 0) + us);
    fns.set(label(node), (fns.get(label(node)) ?? 0) + us);
    // Inclusive: every distinct function on the stack gets the sample once (recursion counted once).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur);
      if (!frame || frame.callFrame.functionName === '(root)') continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const busy = total - idle;
  const bars = Array.from(timeline, (us, i) => {
    const pct = ((us ?? 0) / (window.step * 1e6)) * 100;
    return `${(i * window.step).toFixed(2).padStart(7)} s ${'#'.repeat(Math.round(pct / 2.5))}`;
  });
  return [
    `busy per ${window.step} s (# = 2.5 %):`,
    ...bars,
    '',
    `window ${window.from}–${window.to} s:`,
    `sampled ${(total / 1e6).toFixed(1)} s: busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s (percentages are of busy time)`,
    '',
    'self time by package / file:',
    ...top(groups, n, busy),
    '',
    'self time by function:',
    ...top(fns, n, busy),
    '',
    'inclusive time by function:',
    ...top(inclusive, n, busy),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const n = arg('--top', 20);
  const window = {
    from: arg('--from', 0),
    to: arg('--to', Number.POSITIVE_INFINITY),
    step: arg('--step', 1),
  };
  if (!file) {
    console.error('usage: tsx test/bench/profile-summary.ts <file.cpuprofile> [--top N]');
    process.exit(2);
  }
  const profile: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isProfile(profile)) {
    console.error(`${file}: not a V8 CPU profile`);
    process.exit(2);
  }
  console.log(summarize(profile, n, window));
}
