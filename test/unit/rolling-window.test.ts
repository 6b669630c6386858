/** Round-trip statistics: quantiles, the rolling window, and the health page's ring buffers. */
import { describe, expect, it } from 'vitest';
import { quantile, RollingWindow, summarize } from '../../server/domain/rolling-window.ts';
import { type SampleInput, StatsSampler } from '../../server/metrics/stats-sampler.ts';

describe('quantile', () => {
  it.each([
    { values: [], q: 0.5, expected: null },
    { values: [7], q: 0, expected: 7 },
    { values: [7], q: 0.99, expected: 7 },
    { values: [1, 2], q: 0.5, expected: 1.5 },
    { values: [1, 2, 3], q: 0.5, expected: 2 },
    { values: [1, 2, 3, 4], q: 0.5, expected: 2.5 },
    { values: [1, 2, 3, 4, 5], q: 0, expected: 1 },
    { values: [1, 2, 3, 4, 5], q: 1, expected: 5 },
    { values: [1, 2, 3, 4, 5], q: 0.25, expected: 2 },
    { values: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], q: 0.95, expected: 95.5 },
    { values: [1, 2, 3], q: 1.5, expected: 3 },
    { values: [1, 2, 3], q: -1, expected: 1 },
  ])('q=$q of $values is $expected', ({ values, q, expected }) => {
    const got = quantile(values, q);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 10);
  });

  it('p99 of 1..100 sits between the two highest ranks', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.99)).toBeCloseTo(99.01, 10);
  });
});

describe('summarize', () => {
  it('sorts, counts failures and rounds to microseconds', () => {
    const s = summarize([3.0000004, 1, 2], 2);
    expect(s).toMatchObject({ count: 5, ok: 3, failed: 2, min: 1, p50: 2, max: 3, mean: 2 });
  });

  it('has nulls when nothing came back', () => {
    expect(summarize([], 4)).toMatchObject({ count: 4, ok: 0, min: null, p50: null, p99: null, mean: null });
  });
});

describe('RollingWindow', () => {
  it('forgets samples older than its window', () => {
    const w = new RollingWindow(1000);
    w.add(0, 5);
    w.add(500, 1);
    w.add(900, null);
    expect(w.summary(1000)).toMatchObject({
      count: 3,
      ok: 2,
      failed: 1,
      min: 1,
      max: 5,
      last: null,
      lastTs: 900,
    });
    expect(w.summary(1400)).toMatchObject({ count: 2, ok: 1, failed: 1, min: 1, max: 1 });
    expect(w.summary(2000)).toMatchObject({ count: 0, ok: 0, last: null, lastTs: null });
  });

  it('keeps at most `capacity` samples, dropping the oldest', () => {
    const w = new RollingWindow(60_000, 3);
    for (let i = 1; i <= 5; i++) w.add(i, i * 10);
    expect(w.summary(10)).toMatchObject({ count: 3, min: 30, max: 50, last: 50, lastTs: 5 });
  });

  it('reports the newest duration', () => {
    const w = new RollingWindow(60_000);
    w.add(1, null);
    w.add(2, 4.5);
    expect(w.summary(3)).toMatchObject({ last: 4.5, lastTs: 2 });
  });

  it('lists durations since a time, failures left out', () => {
    const w = new RollingWindow(60_000, 4);
    for (const [ts, v] of [
      [1, 1],
      [2, null],
      [3, 3],
      [4, 4],
      [5, 5],
    ] as const)
      w.add(ts, v);
    expect(w.valuesSince(3)).toEqual([3, 4, 5]);
    expect(w.valuesSince(0)).toEqual([3, 4, 5]);
    expect(w.valuesSince(6)).toEqual([]);
  });
});

describe('StatsSampler', () => {
  function sampler(capacitySamples: number) {
    let now = 0;
    let n = 0;
    const read = (): SampleInput => ({
      totals: { messagesIn: n * 10, messagesOut: n * 20, readings: n * 5, dropped: 0 },
      gauges: {
        mqtt_clients: n,
        devices_online: 1,
        live_clients: 0,
        event_loop_lag_ms: null,
        db_size_bytes: 4096,
        db_write_ms: null,
        probe_rtt_ms_qos0: 0.1,
        probe_rtt_ms_qos1: 0.2,
        probe_rtt_ms_qos2: 0.3,
        command_rtt_ms: null,
      },
    });
    const s = new StatsSampler(1000, read, () => now, capacitySamples * 1000);
    return {
      s,
      tick() {
        now += 1000;
        n++;
        s.sample();
      },
    };
  }

  it('turns totals into per-second rates and keeps columns parallel to ts', () => {
    const { s, tick } = sampler(10);
    s.start();
    s.stop();
    tick();
    tick();
    const series = s.series();
    expect(series.ts).toEqual([1000, 2000]);
    expect(series.messages_in_per_s).toEqual([10, 10]);
    expect(series.messages_out_per_s).toEqual([20, 20]);
    expect(series.readings_per_s).toEqual([5, 5]);
    expect(series.mqtt_clients).toEqual([1, 2]);
    expect(series.event_loop_lag_ms).toEqual([null, null]);
    for (const column of Object.values(series)) expect(column).toHaveLength(2);
  });

  it('has no rate for the first sample without a baseline', () => {
    const { s, tick } = sampler(10);
    tick();
    expect(s.series().messages_in_per_s).toEqual([null]);
  });

  it('keeps only the last window, oldest first', () => {
    const { s, tick } = sampler(3);
    for (let i = 0; i < 5; i++) tick();
    expect(s.size).toBe(3);
    expect(s.series().ts).toEqual([3000, 4000, 5000]);
    expect(s.series().mqtt_clients).toEqual([3, 4, 5]);
  });
});
