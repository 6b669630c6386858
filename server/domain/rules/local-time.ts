/**
 * Local wall-clock time for schedules and time windows. The evaluator takes
 * a `local(ts)` function, so tests pin a time zone and production follows
 * the hub's (daylight saving included).
 */
import { WEEKDAYS, type Weekday } from '../../../shared/rules.ts';
import type { LocalTime } from './rule-types.ts';

/** `HH:MM` → minutes since midnight. */
export function parseTime(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Minutes since midnight → `HH:MM`. */
export function formatTime(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** JavaScript's getDay() (0 = Sunday) → our weekday names (Monday first). */
const fromJsDay = (d: number): Weekday => WEEKDAYS[(d + 6) % 7] as Weekday;

/** Local time of the machine the hub runs on. */
export function systemLocalTime(ts: number): LocalTime {
  const d = new Date(ts);
  const date = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return { minute: d.getHours() * 60 + d.getMinutes(), weekday: fromJsDay(d.getDay()), date };
}

/** UTC as the local time (tests, and hubs configured to run on UTC). */
export function utcLocalTime(ts: number): LocalTime {
  const d = new Date(ts);
  return {
    minute: d.getUTCHours() * 60 + d.getUTCMinutes(),
    weekday: fromJsDay(d.getUTCDay()),
    date: d.toISOString().slice(0, 10),
  };
}

/** True when `minute` lies in [from, to), wrapping past midnight when from > to. */
export function inWindow(minute: number, from: number, to: number): boolean {
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/**
 * The weekday on which local time `at` (minutes) was passed between two
 * instants, or null when it was not. Fires at most once even across a long
 * gap (the hub was down): a missed schedule runs once, late, not many times.
 */
export function crossed(prev: LocalTime, now: LocalTime, at: number): Weekday | null {
  if (prev.date === now.date) return prev.minute < at && at <= now.minute ? now.weekday : null;
  if (at <= now.minute) return now.weekday;
  return prev.minute < at ? prev.weekday : null;
}

/** The schedule entry in force at `minute`: the latest at or before it, else yesterday's last. */
export function entryAt<E extends { at: string }>(schedule: readonly E[], minute: number): E | undefined {
  let best: E | undefined;
  let bestAt = -1;
  let last: E | undefined;
  let lastAt = -1;
  for (const e of schedule) {
    const at = parseTime(e.at);
    if (at <= minute && at > bestAt) {
      best = e;
      bestAt = at;
    }
    if (at > lastAt) {
      last = e;
      lastAt = at;
    }
  }
  return best ?? last;
}
