/**
 * Results: one row per figure (value, the baseline it is compared with, the
 * ratio, the design brief's target and whether it is met), printed as a table
 * and written as JSON. A row without a target is context, never pass/fail.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './sys.ts';

export interface Row {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number } | null;
  ratio: number | null;
  /** The target as the brief states it, e.g. "≥ 50000" or "≥ 0.8× bare aedes". */
  target: string | null;
  pass: boolean | null;
}

export interface ScenarioReport {
  status: 'ok' | 'error' | 'skipped';
  /** Why it was skipped or what failed. */
  reason?: string;
  seconds: number;
  rows: Row[];
  /** Raw measurements: trials, CPU shares, breakdowns. */
  details: Record<string, unknown>;
}

export interface BenchReport {
  started_at: string;
  mode: string;
  seconds: number;
  machine: MachineInfo;
  /** `--hub-env` overrides: figures from a run with any are not the defaults'. */
  hub_env: Record<string, string>;
  hub_node_args: string[];
  load_at_end: number;
  scenarios: Record<string, ScenarioReport>;
}

type Target = { op: '>=' | '<='; limit: number; label?: string };

/** Builds a row; `target` compares `value` (or the ratio, when `onRatio`). */
export function row(
  scenario: string,
  metric: string,
  value: number,
  unit: string,
  extra: { baseline?: { name: string; value: number }; target?: Target; onRatio?: boolean } = {},
): Row {
  const ratio = extra.baseline && extra.baseline.value > 0 ? value / extra.baseline.value : null;
  let pass: boolean | null = null;
  let target: string | null = null;
  if (extra.target) {
    const { op, limit, label } = extra.target;
    const subject = extra.onRatio ? ratio : value;
    pass = subject === null ? false : op === '>=' ? subject >= limit : subject <= limit;
    target = label ?? `${op === '>=' ? '≥' : '≤'} ${limit}${extra.onRatio ? '×' : ` ${unit}`}`;
  }
  return { scenario, metric, value, unit, baseline: extra.baseline ?? null, ratio, target, pass };
}

function fmt(v: number, unit: string): string {
  if (unit === 'bytes')
    return v >= 2 ** 20 ? `${(v / 2 ** 20).toFixed(1)} MB` : `${(v / 1024).toFixed(1)} KB`;
  const digits = Math.abs(v) >= 1000 ? 0 : Math.abs(v) >= 100 ? 1 : 2;
  const n = v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit ? `${n} ${unit}` : n;
}

const HEADERS = ['scenario', 'metric', 'value', 'baseline', 'ratio', 'target', 'pass'];

/** The rows as plain-text columns (also pasted into docs/benchmarks.md). */
export function table(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.scenario,
    r.metric,
    fmt(r.value, r.unit),
    r.baseline ? `${r.baseline.name} ${fmt(r.baseline.value, r.unit)}` : '',
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '',
    r.pass === null ? '' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c.map((s, i) => (i === 2 || i === 4 ? s.padStart(widths[i] ?? 0) : s.padEnd(widths[i] ?? 0))).join('  ');
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function machineLines(m: MachineInfo): string {
  return [
    `machine: ${m.cpu} · ${m.cores} cores · ${m.ram_gb} GB RAM · Linux ${m.kernel}`,
    `software: node ${m.node} · SQLite ${m.sqlite} (better-sqlite3 ${m.better_sqlite3}) · aedes ${m.aedes} · mqtt.js ${m.mqtt_js} · socket.io ${m.socket_io} · Mosquitto ${m.mosquitto ?? 'not installed'}`,
    `load average at start: ${m.load_at_start}${m.load_at_start > 1 ? '  (the machine is busy: figures will be low and noisy)' : ''}`,
  ].join('\n');
}

/** Writes `latest.json` and a timestamped copy; returns the paths. */
export function writeReport(outDir: string, report: BenchReport): string[] {
  mkdirSync(outDir, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const stamped = join(outDir, `bench-${report.started_at.replace(/[:.]/g, '-')}.json`);
  const latest = join(outDir, 'latest.json');
  writeFileSync(stamped, text);
  writeFileSync(latest, text);
  return [latest, stamped];
}
