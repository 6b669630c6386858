/** The pairing window and sessions: whole, from GET /api/pairing and every live `pairing` event. */
import type { StateCreator } from 'zustand';
import type { PairingSessionDto, PairingStateDto } from '../../../shared/pairing.ts';
import type { Store } from './store.ts';

export interface PairingSlice {
  pairing: PairingStateDto | null;
  /** Hub time minus browser time when the last pairing state arrived (for the countdown). */
  pairingOffsetMs: number;
  applyPairing(state: PairingStateDto): void;
  /** One session as an action returned it, before the live event confirms it. */
  applyPairingSession(session: PairingSessionDto): void;
}

export const createPairingSlice: StateCreator<Store, [], [], PairingSlice> = (set, get) => ({
  pairing: null,
  pairingOffsetMs: 0,
  applyPairing: (state) => {
    const current = get().pairing;
    // An older state arriving late (an HTTP answer after a live event) changes nothing.
    if (current && current.server_time > state.server_time) return;
    set({ pairing: state, pairingOffsetMs: state.server_time - Date.now() });
  },
  applyPairingSession: (session) => {
    const current = get().pairing;
    if (!current) return;
    const sessions = current.sessions.map((s) => (s.nonce === session.nonce ? session : s));
    set({ pairing: { ...current, sessions } });
  },
});
