/**
 * Round-trip statistics over a rolling time window (the MQTT probe, command
 * and ping round trips): samples older than `maxAgeMs` fall out, and at most
 * `capacity` are kept, so memory stays bounded however fast samples come.
 * A sample is a duration in ms, or null for a failure (lost probe, timeout).
 */

/**
 * The `q`-quantile (0 ≤ q ≤ 1) of ascending `sorted`, interpolated linearly
 * between the closest ranks (so the median of [1, 2] is 1.5); null when empty.
 */
export function quantile(sorted: readonly number[], q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const pos = Math.min(1, Math.max(0, q)) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export interface WindowSummary {
  /** Samples in the window, failures included. */
  count: number;
  /** Samples that carried a duration. */
  ok: number;
  failed: number;
  min: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
  /** The newest sample (null when it was a failure, or there is none) and when it came. */
  last: number | null;
  lastTs: number | null;
}

/** Rounds to microseconds: sub-µs digits of performance.now() differences are noise. */
function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}

/** Summarises durations (ms) that are already known, e.g. one CLI probe run. */
export function summarize(values: readonly number[], failed = 0): WindowSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length + failed,
    ok: sorted.length,
    failed,
    min: round(sorted[0] ?? null),
    p50: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? null),
    mean: sorted.length === 0 ? null : round(sum / sorted.length),
    last: null,
    lastTs: null,
  };
}

export class RollingWindow {
  private readonly ts: Float64Array;
  /** NaN marks a failure. */
  private readonly values: Float64Array;
  private head = 0;
  private size = 0;

  constructor(
    private readonly maxAgeMs: number,
    readonly capacity = 10_000,
  ) {
    this.ts = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Records one sample taken at `ts` (ms); `value` null is a failure. Samples come in time order. */
  add(ts: number, value: number | null): void {
    const at = (this.head + this.size) % this.capacity;
    this.ts[at] = ts;
    this.values[at] = value ?? Number.NaN;
    if (this.size < this.capacity) this.size++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** Drops samples older than the window, as seen at `now`. */
  private prune(now: number): void {
    const oldest = now - this.maxAgeMs;
    while (this.size > 0 && (this.ts[this.head] as number) < oldest) {
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
  }

  /** Samples in the window at `now`. */
  count(now: number): number {
    this.prune(now);
    return this.size;
  }

  /** Durations and failures in the window at `now`. */
  summary(now: number): WindowSummary {
    this.prune(now);
    const ok: number[] = [];
    let failed = 0;
    for (let i = 0; i < this.size; i++) {
      const v = this.values[(this.head + i) % this.capacity] as number;
      if (Number.isNaN(v)) failed++;
      else ok.push(v);
    }
    const s = summarize(ok, failed);
    if (this.size > 0) {
      const newest = (this.head + this.size - 1) % this.capacity;
      const v = this.values[newest] as number;
      s.last = Number.isNaN(v) ? null : round(v);
      s.lastTs = this.ts[newest] as number;
    }
    return s;
  }

  /** Durations of samples taken at or after `since` (for "what happened this interval"). */
  valuesSince(since: number): number[] {
    const out: number[] = [];
    for (let i = this.size - 1; i >= 0; i--) {
      const at = (this.head + i) % this.capacity;
      if ((this.ts[at] as number) < since) break;
      const v = this.values[at] as number;
      if (!Number.isNaN(v)) out.push(v);
    }
    return out.reverse();
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }
}
