/** What a control's desired value has to say next to the reported state, as a pure function. */
import type { DesiredDto } from '../../../shared/desired-state.ts';
import type { StateValue } from '../../../shared/wire.ts';
import { formatAbsolute, formatValue } from './format.ts';

/** How long "applied" stays next to a control. */
export const APPLIED_VISIBLE_MS = 2 * 60_000;

export type DesiredPhase = 'waiting' | 'pending' | 'applied' | 'expired' | 'failed';

/** A status line next to a control: its phase (for styling and tests) and the words. */
export interface StatusNews {
  phase: string;
  text: string;
}

export interface DesiredNews extends StatusNews {
  phase: DesiredPhase;
}

/** `on` / `off` / `21.5 °C`. */
export function describeValue(value: StateValue, unit?: string): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') return formatValue(value, unit);
  return value;
}

/** `rule:abc` → ` (set by a rule)`: its run log says which and why. People's own changes need no attribution. */
function by(actor: string): string {
  return actor.startsWith('rule:') ? ' (set by a rule)' : '';
}

/**
 * The desired value's news, or null when it has none: a waiting or pending
 * value always; "applied" for a short while; expired or failed until the
 * device reports its state again (from then on the reported state is the news).
 */
export function desiredNews(
  d: DesiredDto | undefined,
  stateTs: number | null,
  now: number,
  unit?: string,
): DesiredNews | null {
  if (!d) return null;
  const value = describeValue(d.desired, unit);
  switch (d.status) {
    case 'pending': {
      if (d.waiting_for_device) {
        const until = d.expires_at === null ? '' : ` (until ${formatAbsolute(d.expires_at)})`;
        return {
          phase: 'waiting',
          text: `Will apply when the device is back: ${value}${until}${by(d.actor)}`,
        };
      }
      return { phase: 'pending', text: `Pending: setting ${value}${by(d.actor)}…` };
    }
    case 'applied':
      if (d.applied_at === null || now - d.applied_at > APPLIED_VISIBLE_MS) return null;
      return { phase: 'applied', text: `Applied: ${value}${by(d.actor)}` };
    case 'expired':
      if (stateTs !== null && stateTs > d.updated_at) return null;
      return { phase: 'expired', text: `Expired before the device was back: ${value} was not applied` };
    case 'failed':
      if (stateTs !== null && stateTs > d.updated_at) return null;
      return { phase: 'failed', text: `Failed, ${value} not applied. ${d.error ?? ''}`.trim() };
  }
}
