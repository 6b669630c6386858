/** Formatting for people: temperatures, relative times, presence reasons. */
import type { PresenceReason, PresenceStatus } from '../../../shared/api.ts';

/** `21.4 °C`; one decimal, as the issue asks. */
export function formatValue(value: number | null | undefined, unit?: string | null): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const n = value.toFixed(1);
  return unit ? `${n} ${unit}` : n;
}

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Absolute local time, for `title` attributes and logs. */
export function formatAbsolute(ts: number): string {
  return absoluteFormat.format(new Date(ts));
}

/** "just now", "42 s ago", "3 min ago", "5 h ago", "2 d ago"; a date beyond a week. */
export function formatRelative(ts: number, now: number): string {
  const d = now - ts;
  if (d < -5000) return `in ${formatDuration(-d)}`;
  if (d < 10_000) return 'just now';
  if (d < 7 * 24 * 3_600_000) return `${formatDuration(d)} ago`;
  return new Date(ts).toLocaleDateString();
}

/** "42 s", "3 min", "5 h", "2 d". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** Round trip in ms, with more precision when it is short. */
export function formatRtt(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export const STATUS_LABEL: Record<PresenceStatus, string> = {
  online: 'Online',
  offline: 'Offline',
  stale: 'Stale',
  unknown: 'Unknown',
};

const REASON_TEXT: Record<PresenceReason, string> = {
  connected: 'connected',
  clean_disconnect: 'disconnected cleanly',
  keepalive_timeout: 'stopped answering (keepalive timeout)',
  socket_error: 'connection error',
  connection_closed: 'connection lost',
  taken_over: 'replaced by a newer connection',
  hub_shutdown: 'hub restarted',
  removed: 'removed',
  credentials_rotated: 'credentials rotated',
  silent: 'connected but silent',
  never_connected: 'never connected',
};

/** Why the presence is what it is, e.g. "connection lost: the connection closed without DISCONNECT". */
export function presenceReason(reason: PresenceReason, detail: string | null): string {
  const text = REASON_TEXT[reason];
  return detail && detail !== text ? `${text}: ${detail}` : text;
}

/** `setpoint` → `Setpoint`, for controls without a label. */
export function humanize(name: string): string {
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
