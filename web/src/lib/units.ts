/** Numbers for the health page: sizes, rates, counts and milliseconds, for people. */

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** `1.4 MB`, `812 KB`, `0 B` (powers of 1024, as file managers show them). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 || v >= 100 ? Math.round(v) : v.toFixed(1)} ${BYTE_UNITS[i]}`;
}

/** `12,345` in the reader's locale. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString();
}

/** `3.2/s`, `1,250/s`. */
export function formatRate(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n < 100 ? `${Number(n.toFixed(1))}/s` : `${formatCount(n)}/s`;
}

/** `0.42 ms`, `12 ms`, `1.3 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms === 0) return '0 ms';
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export type UnitKind = 'rate' | 'count' | 'ms' | 'bytes';

export const formatUnit: Record<UnitKind, (n: number | null | undefined) => string> = {
  rate: formatRate,
  count: formatCount,
  ms: formatMs,
  bytes: formatBytes,
};

/** `rate_limit` → `Rate limit`. */
export function humanizeKey(key: string): string {
  const s = key.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A SHA-256 fingerprint as colon-separated byte pairs, whatever form the hub gave it in. */
export function formatFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.length > 0 ? (hex.match(/.{1,2}/g) ?? []).join(':') : fp;
}
