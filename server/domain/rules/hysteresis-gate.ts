/**
 * The no-flapping core shared by threshold triggers and alerts: a two-state
 * gate that enters when its enter-condition has held for `forMs`, and leaves
 * when its leave-condition has held for `forMs`. Enter and leave thresholds
 * differ by the hysteresis, so a value hovering at the limit cannot toggle it.
 */

export interface GateInput {
  /** Whether the gate is entered now (memory, or an active alert). */
  active: boolean;
  /** When the pending transition's condition started to hold, or null. */
  since: number | null;
  /** The condition to enter holds for this value. */
  enter: boolean;
  /** The condition to leave holds for this value. */
  leave: boolean;
  /** Time of the value (reading timestamp, or now on a clock tick). */
  t: number;
  forMs: number;
}

export interface GateOutput {
  active: boolean;
  since: number | null;
  transition: 'entered' | 'left' | null;
}

/** One step of the gate. Pure. */
export function stepGate(g: GateInput): GateOutput {
  const wants = g.active ? g.leave : g.enter;
  if (!wants) return { active: g.active, since: null, transition: null };
  const since = g.since ?? g.t;
  if (g.t - since >= g.forMs) {
    return { active: !g.active, since: null, transition: g.active ? 'left' : 'entered' };
  }
  return { active: g.active, since, transition: null };
}

/** Thresholds of a bound: `above 28` enters above 28 and leaves at or below 28 − h. */
export function boundTests(op: 'above' | 'below', limit: number, hysteresis: number, v: number) {
  return op === 'above'
    ? { enter: v > limit, leave: v <= limit - hysteresis }
    : { enter: v < limit, leave: v >= limit + hysteresis };
}
