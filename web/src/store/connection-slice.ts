/** The live connection as the banner and the pages see it. */
import type { StateCreator } from 'zustand';
import type { Store } from './store.ts';

export type LiveStatus = 'connecting' | 'connected' | 'reconnecting';

export interface LiveState {
  status: LiveStatus;
  /** When the status last changed (browser clock). */
  since: number;
  /** Failed attempts since the connection was lost. */
  attempts: number;
  lastError: string | null;
  /** Bumped on every snapshot: pages refetch what they loaded over HTTP (a reconnect may hide a gap). */
  epoch: number;
  /** Hub clock minus browser clock, from the last snapshot: relative times use the hub's clock. */
  clockOffsetMs: number;
  /** Live messages dropped because they did not match shared/socket.ts. */
  invalid: number;
  lastInvalid: string | null;
}

export interface ConnectionSlice {
  live: LiveState;
  liveConnecting(): void;
  liveConnected(): void;
  liveLost(reason: string): void;
  liveAttemptFailed(error: string): void;
  liveSynced(serverTime: number): void;
  liveInvalid(event: string, why: string): void;
}

export const createConnectionSlice: StateCreator<Store, [], [], ConnectionSlice> = (set, get) => {
  const update = (patch: Partial<LiveState>) => set({ live: { ...get().live, ...patch } });
  return {
    live: {
      status: 'connecting',
      since: Date.now(),
      attempts: 0,
      lastError: null,
      epoch: 0,
      clockOffsetMs: 0,
      invalid: 0,
      lastInvalid: null,
    },

    liveConnecting: () => update({ status: 'connecting', since: Date.now(), attempts: 0, lastError: null }),

    liveConnected: () => update({ status: 'connected', since: Date.now(), attempts: 0, lastError: null }),

    liveLost: (reason) => {
      if (get().live.status === 'reconnecting') return;
      update({ status: 'reconnecting', since: Date.now(), attempts: 0, lastError: reason });
    },

    liveAttemptFailed: (error) => {
      const { live } = get();
      // A first connection that fails is as much a lost connection as a dropped one.
      update({
        status: 'reconnecting',
        since: live.status === 'reconnecting' ? live.since : Date.now(),
        attempts: live.attempts + 1,
        lastError: error,
      });
    },

    liveSynced: (serverTime) =>
      update({ epoch: get().live.epoch + 1, clockOffsetMs: serverTime - Date.now() }),

    liveInvalid: (event, why) => update({ invalid: get().live.invalid + 1, lastInvalid: `${event}: ${why}` }),
  };
};
