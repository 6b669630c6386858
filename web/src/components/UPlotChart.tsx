import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartTheme } from '../lib/chart-theme.ts';

export interface ChartData {
  /** Seconds (uPlot's time unit). */
  x: number[];
  value: number[];
  /** Present when points are aggregated: drawn as a band around the mean. */
  band: { min: number[]; max: number[] } | null;
}

interface Props {
  data: ChartData;
  /** Visible window, ms. */
  from: number;
  to: number;
  width: number;
  height: number;
  unit: string | null;
  /** A drag selection on the plot: zoom to it (ms). */
  onZoom(from: number, to: number): void;
  /** The reading under the cursor, for the readout (null when the cursor leaves). */
  onHover(point: { ts: number; value: number; min?: number; max?: number } | null): void;
}

function aligned(d: ChartData): uPlot.AlignedData {
  return d.band ? [d.x, d.value, d.band.min, d.band.max] : [d.x, d.value];
}

/** A thin React shell around one uPlot instance: created once per shape, then fed with setData. */
export function UPlotChart({ data, from, to, width, height, unit, onZoom, onHover }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Callbacks change every render; the plot keeps calling the latest ones.
  const handlers = useRef({ onZoom, onHover });
  handlers.current = { onZoom, onHover };
  const hasBand = data.band !== null;

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the series shape changes; data and size are applied below
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const theme = chartTheme(el);
    const axis: uPlot.Axis = {
      stroke: theme.axis,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
    };
    const series: uPlot.Series[] = [
      {},
      { label: 'value', stroke: theme.line, width: 2, points: { show: false } },
    ];
    if (hasBand) {
      series.push(
        { label: 'min', stroke: theme.band, width: 0, points: { show: false } },
        { label: 'max', stroke: theme.band, width: 0, points: { show: false } },
      );
    }
    const opts: uPlot.Options = {
      width: Math.max(width, 100),
      height,
      legend: { show: false },
      scales: { x: { time: true } },
      axes: [
        axis,
        {
          ...axis,
          // Wide enough for "-12.5 °C": uPlot does not measure its labels.
          size: 76,
          // Ticks keep their own precision (a 0.25 step must not read as 0.3).
          values: (_u, splits) => splits.map((v) => `${Number(v.toFixed(2))}${unit ? ` ${unit}` : ''}`),
        },
      ],
      series,
      bands: hasBand ? [{ series: [3, 2], fill: theme.band }] : [],
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: true } },
      hooks: {
        setSelect: [
          (u) => {
            const { left, width: w } = u.select;
            if (w > 4)
              handlers.current.onZoom(u.posToVal(left, 'x') * 1000, u.posToVal(left + w, 'x') * 1000);
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            const xs = u.data[0];
            const ys = u.data[1];
            const x = i === null || i === undefined ? undefined : xs[i];
            const y = i === null || i === undefined ? undefined : ys?.[i];
            if (i === null || i === undefined || x === undefined || y === null || y === undefined) {
              handlers.current.onHover(null);
              return;
            }
            const lo = u.data[2]?.[i];
            const hi = u.data[3]?.[i];
            handlers.current.onHover({
              ts: x * 1000,
              value: y,
              ...(typeof lo === 'number' && typeof hi === 'number' ? { min: lo, max: hi } : {}),
            });
          },
        ],
      },
    };
    const u = new uPlot(opts, aligned(data), el);
    u.setScale('x', { min: from / 1000, max: to / 1000 });
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [hasBand, unit]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.batch(() => {
      u.setData(aligned(data), true);
      u.setScale('x', { min: from / 1000, max: to / 1000 });
    });
  }, [data, from, to]);

  useEffect(() => {
    plot.current?.setSize({ width: Math.max(width, 100), height });
  }, [width, height]);

  return <div ref={box} className="uplot-box" />;
}
