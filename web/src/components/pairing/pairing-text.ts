/** The words for pairing states and reasons. */
import type { PairingReason, PairingSessionState } from '../../../../shared/pairing.ts';

export const STATE_LABEL: Record<PairingSessionState, string> = {
  waiting: 'Waiting for approval',
  approved: 'Approved: connecting',
  paired: 'Paired',
  refused: 'Refused',
  rejected: 'Rejected',
  expired: 'Ended',
};

/** The badge colour, reusing the presence badge's palette. */
export const STATE_TONE: Record<PairingSessionState, string> = {
  waiting: 'stale',
  approved: 'unknown',
  paired: 'online',
  refused: 'offline',
  rejected: 'offline',
  expired: 'offline',
};

/** Which step failed and why, for people. */
export const REASON_TEXT: Record<PairingReason, string> = {
  window_closed: 'Refused: no pairing window was open',
  too_many_sessions: 'Refused: too many devices were waiting',
  invalid_hello: 'Refused: the device’s hello could not be read',
  rejected: 'Rejected',
  code_mismatch: 'Rejected: the code did not match, three times',
  timed_out: 'Timed out',
  disconnected: 'The device went away',
  delivery_failed: 'The credentials could not be delivered',
  hub_shutdown: 'The hub stopped',
};
