/**
 * Event-loop lag from Node's own histogram (`perf_hooks.monitorEventLoopDelay`):
 * how late timers fire because something blocked the loop. Each reader owns
 * one monitor and reads "since my last read", so the health page's sampler
 * and a Prometheus scrape never reset each other's numbers.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface LagReading {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const NS_PER_MS = 1e6;

export class LagMonitor {
  private histogram: IntervalHistogram | null = null;

  start(): void {
    if (this.histogram) return;
    // 10 ms resolution: fine enough to see a stall, cheap enough to leave on.
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
  }

  stop(): void {
    this.histogram?.disable();
    this.histogram = null;
  }

  /** Lag since the previous read (null before start or without a measurement), then resets. */
  read(): LagReading | null {
    const h = this.histogram;
    if (!h || h.count === 0) return null;
    // The histogram counts the timer's own resolution as delay; what is above it is lag.
    const ms = (ns: number) => Math.max(0, Math.round((ns / NS_PER_MS - 10) * 1000) / 1000);
    const reading = { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
    h.reset();
    return reading;
  }
}
