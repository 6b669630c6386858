import { useEffect, useMemo, useRef, useState } from 'react';
import { MAX_HISTORY_POINTS } from '../../../shared/api.ts';
import { useElementWidth } from '../hooks/useElementWidth.ts';
import { useHistory } from '../hooks/useHistory.ts';
import { useLiveTail } from '../hooks/useLiveTail.ts';
import { useSettled } from '../hooks/useSettled.ts';
import { formatAbsolute, formatDuration, formatValue } from '../lib/format.ts';
import {
  type ChartWindow,
  liveWindow,
  pan,
  RANGES,
  type RangeKey,
  zoom,
  zoomTo,
} from '../lib/history-window.ts';
import { useStore } from '../store/store.ts';
import { ChartToolbar } from './ChartToolbar.tsx';
import { type ChartData, UPlotChart } from './UPlotChart.tsx';

interface Props {
  deviceId: string;
  metric: string;
  label: string;
  unit: string | null;
}

const isZero = (n: number) => n === 0;

type Hover = { ts: number; value: number; min?: number; max?: number } | null;

/**
 * History of one metric: ranges (1 h … 1 y), drag-to-zoom and buttons to zoom
 * and pan, a min/max band when the hub aggregated points, and the live tail.
 * It asks for as many points as the chart is wide.
 */
export function HistoryChart({ deviceId, metric, label, unit }: Props) {
  const [range, setRange] = useState<RangeKey>('24h');
  const [win, setWin] = useState<ChartWindow>(() => liveWindow('24h', Date.now()));
  const [reload, setReload] = useState(0);
  const [hover, setHover] = useState<Hover>(null);
  const epoch = useStore((s) => s.live.epoch);
  const offset = useStore((s) => s.live.clockOffsetMs);
  const box = useRef<HTMLDivElement>(null);
  const width = useElementWidth(box);
  const height = width < 500 ? 220 : 300;
  // As many points as the chart is wide: more could not be seen.
  const points = useSettled(Math.min(MAX_HISTORY_POINTS, width), 300, isZero);
  const now = () => Date.now() + offset;

  // After a reconnect (a new snapshot) the live window moves to now and reloads: readings may have been missed.
  const seenEpoch = useRef(epoch);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new epoch triggers this
  useEffect(() => {
    if (epoch === seenEpoch.current) return;
    seenEpoch.current = epoch;
    setWin((w) => (w.live ? liveWindow(range, now()) : w));
    setReload((r) => r + 1);
  }, [epoch]);

  const history = useHistory({ deviceId, metric, from: win.from, to: win.to, points, reload });
  const tail = useLiveTail(deviceId, metric, win.live ? win.to - 1 : null);
  const data = history.data;

  const chartData = useMemo<ChartData | null>(() => {
    if (!data) return null;
    const x = data.ts.map((t) => t / 1000);
    const value = [...data.value];
    const band = data.bucket_ms === null ? null : { min: [...data.min], max: [...data.max] };
    const last = data.ts.at(-1) ?? Number.NEGATIVE_INFINITY;
    for (const p of tail) {
      if (p.ts <= last) continue;
      x.push(p.ts / 1000);
      value.push(p.value);
      band?.min.push(p.value);
      band?.max.push(p.value);
    }
    return { x, value, band };
  }, [data, tail]);

  // A live window slides with the newest reading.
  const lastTail = tail.at(-1)?.ts ?? 0;
  const viewTo = win.live ? Math.max(win.to, lastTail) : win.to;
  const viewFrom = win.live ? viewTo - (win.to - win.from) : win.from;
  const count = chartData?.x.length ?? 0;

  const chooseRange = (key: RangeKey) => {
    setRange(key);
    setWin(liveWindow(key, now()));
  };

  return (
    <div className="history" data-state={history.status} data-points={count} data-requested-points={points}>
      <div className="chart-controls">
        <fieldset className="segmented">
          <legend className="visually-hidden">Range</legend>
          {RANGES.map((r) => (
            <button
              key={r.key}
              type="button"
              aria-pressed={win.live && range === r.key}
              onClick={() => chooseRange(r.key)}
            >
              {r.label}
            </button>
          ))}
        </fieldset>
        <ChartToolbar
          live={win.live}
          onZoomIn={() => setWin((w) => zoom({ from: viewFrom, to: viewTo, live: w.live }, 0.5, now()))}
          onZoomOut={() => setWin(() => zoom({ from: viewFrom, to: viewTo, live: false }, 2, now()))}
          onEarlier={() => setWin(() => pan({ from: viewFrom, to: viewTo, live: false }, -0.5, now()))}
          onLater={() => setWin((w) => pan(w, 0.5, now()))}
          onLive={() => chooseRange(range)}
        />
      </div>
      <div
        ref={box}
        className="chart-box"
        role="img"
        aria-label={`${label} from ${formatAbsolute(viewFrom)} to ${formatAbsolute(viewTo)}, ${count} points`}
        aria-busy={history.status === 'loading'}
      >
        {chartData && width > 0 && (
          <UPlotChart
            data={chartData}
            from={viewFrom}
            to={viewTo}
            width={width}
            height={height}
            unit={unit}
            onZoom={(f, t) => setWin(zoomTo(f, t, now()))}
            onHover={setHover}
          />
        )}
        {!chartData && <div className="chart-placeholder" style={{ height }} />}
        {history.status === 'loading' && <span className="chart-loading">Loading…</span>}
        {history.status === 'ready' && count === 0 && (
          <span className="chart-empty">No readings in this range</span>
        )}
      </div>
      <p className="chart-summary muted" aria-live="polite">
        {history.status === 'error' ? (
          <span className="error">
            Could not load the history: {history.error}{' '}
            <button type="button" className="link-button" onClick={() => setReload((r) => r + 1)}>
              Retry
            </button>
          </span>
        ) : data?.bucket_ms ? (
          `${count} points, each the mean of ${formatDuration(data.bucket_ms)}; the band shows min to max.`
        ) : data ? (
          `${count} readings.${win.live ? ' New readings appear as they arrive.' : ''}`
        ) : (
          ''
        )}
      </p>
      <p className="chart-readout" aria-hidden="true">
        {hover
          ? `${formatAbsolute(hover.ts)} · ${formatValue(hover.value, unit)}${
              hover.min !== undefined && hover.max !== undefined
                ? ` (min ${formatValue(hover.min, unit)}, max ${formatValue(hover.max, unit)})`
                : ''
            }`
          : 'Drag across the chart to zoom in.'}
      </p>
    </div>
  );
}
