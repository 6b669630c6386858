/** The chart's time window: ranges, zoom and pan, as pure functions. */

export const RANGES = [
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { key: '7d', label: '7 d', ms: 7 * 24 * 3_600_000 },
  { key: '30d', label: '30 d', ms: 30 * 24 * 3_600_000 },
  { key: '1y', label: '1 y', ms: 365 * 24 * 3_600_000 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

/** Zooming in stops at one minute: closer than that there is nothing to see. */
const MIN_SPAN_MS = 60_000;

export interface ChartWindow {
  from: number;
  to: number;
  /** Following now: new readings are appended and the window slides. */
  live: boolean;
}

export function rangeMs(key: RangeKey): number {
  return RANGES.find((r) => r.key === key)?.ms ?? 3_600_000;
}

/** The last `key` up to now. */
export function liveWindow(key: RangeKey, now: number): ChartWindow {
  // `to` is exclusive on the hub: one ms past now includes a reading stamped now.
  return { from: now - rangeMs(key), to: now + 1, live: true };
}

/** Keeps a window in the past: a window may not end after now. */
function clampToNow(from: number, to: number, now: number): ChartWindow {
  if (to <= now) return { from, to, live: false };
  const span = to - from;
  return { from: now - span, to: now + 1, live: false };
}

/** Zooms by `factor` around the centre (0.5: in, 2: out), or into [from, to] when given. */
export function zoom(w: ChartWindow, factor: number, now: number): ChartWindow {
  const centre = (w.from + w.to) / 2;
  const half = Math.max(MIN_SPAN_MS, (w.to - w.from) * factor) / 2;
  return clampToNow(Math.round(centre - half), Math.round(centre + half), now);
}

/** Zooms to a selection. */
export function zoomTo(from: number, to: number, now: number): ChartWindow {
  const span = Math.max(MIN_SPAN_MS, to - from);
  const centre = (from + to) / 2;
  return clampToNow(Math.round(centre - span / 2), Math.round(centre + span / 2), now);
}

/** Pans by a fraction of the span (negative: earlier). */
export function pan(w: ChartWindow, fraction: number, now: number): ChartWindow {
  const shift = Math.round((w.to - w.from) * fraction);
  return clampToNow(w.from + shift, w.to + shift, now);
}
