/**
 * A fake clock with a scheduler driven by it: `advance(ms)` moves time and
 * fires every timer that falls due, in order, so a test runs a simulated day
 * in milliseconds.
 */
import type { Scheduler } from '../../server/domain/scheduler.ts';

interface Timer {
  id: number;
  at: number;
  every: number | null;
  fn: () => void;
}

export class ManualTime implements Scheduler {
  now: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start: number) {
    this.now = start;
  }

  /** The clock to inject. */
  readonly clock = (): number => this.now;

  every(ms: number, fn: () => void): () => void {
    return this.add(ms, ms, fn);
  }

  after(ms: number, fn: () => void): () => void {
    return this.add(ms, null, fn);
  }

  private add(ms: number, every: number | null, fn: () => void): () => void {
    const timer = { id: this.nextId++, at: this.now + ms, every, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing due timers at their own instants. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.now = Math.max(this.now, due.at);
      if (due.every === null) this.timers = this.timers.filter((t) => t !== due);
      else due.at += due.every;
      due.fn();
    }
    this.now = end;
  }

  /** Timers still armed (a stopped service leaves none). */
  get pending(): number {
    return this.timers.length;
  }
}

/** Lets setImmediate callbacks and promise chains run (the rules runner evaluates after the bus event). */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
