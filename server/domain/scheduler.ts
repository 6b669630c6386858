/**
 * Timers, injected. Services that act on time (the rules runner, desired-state
 * expiry) take a Scheduler next to their Clock, so a test can drive a
 * simulated day in milliseconds instead of waiting for it.
 */

export interface Scheduler {
  /** Calls `fn` every `ms`; returns the function that stops it. */
  every(ms: number, fn: () => void): () => void;
  /** Calls `fn` once after `ms`; returns the function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** Real timers, unref'd so they never hold the process open. */
export const systemScheduler: Scheduler = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};
