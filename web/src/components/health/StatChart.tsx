import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useElementWidth } from '../../hooks/useElementWidth.ts';
import { chartTheme } from '../../lib/chart-theme.ts';
import { formatUnit, type UnitKind } from '../../lib/units.ts';

export interface StatSeries {
  label: string;
  values: (number | null)[];
}

interface Props {
  /** Stable id for tests and styling. */
  name: string;
  title: string;
  unit: UnitKind;
  /** Seconds (uPlot's time unit), oldest first. */
  x: number[];
  series: StatSeries[];
}

const HEIGHT = 120;
/** Series colours beyond the first come from the health page's CSS (light and dark). */
const COLOR_VARS = ['--chart-line', '--chart-2', '--chart-3'] as const;
const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000];

function lastValue(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

function summary(values: (number | null)[], format: (n: number | null) => string): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return 'no data yet';
  return `latest ${format(lastValue(values))}, lowest ${format(Math.min(...known))}, highest ${format(Math.max(...known))}`;
}

/**
 * A small live chart of one hub statistic (one or more series), drawn by
 * uPlot: created once per shape, then fed with setData. The numbers are in
 * the caption and the label too, for people who cannot see the plot.
 */
export function StatChart({ name, title, unit, x, series }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const width = useElementWidth(box);
  const format = formatUnit[unit];
  const data: uPlot.AlignedData = [x, ...series.map((s) => s.values)];
  const shape = series.map((s) => s.label).join('\u0000');
  const points = series[0]?.values.filter((v) => v !== null).length ?? 0;

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the series shape changes; data and size are applied below
  useEffect(() => {
    const el = box.current;
    if (!el || width === 0) return;
    const theme = chartTheme(el);
    const css = getComputedStyle(el);
    const axis: uPlot.Axis = {
      stroke: theme.axis,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
      font: '11px system-ui, sans-serif',
    };
    const u = new uPlot(
      {
        width,
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        scales: {
          x: { time: true },
          // From zero: a rate that doubles must look doubled. A chart with no data yet still gets an axis.
          y: {
            range: (_u, min, max) => [
              Number.isFinite(min) ? Math.min(0, min) : 0,
              Number.isFinite(max) && max > 0 ? max * 1.1 : 1,
            ],
          },
        },
        axes: [
          { ...axis, size: 28 },
          {
            ...axis,
            size: 64,
            values: (_u, splits) => splits.map((v) => format(v)),
            // Counts step by whole numbers: a tick at 0.5 clients would read as a rounded lie.
            ...(unit === 'count' ? { incrs: COUNT_INCRS } : {}),
          },
        ],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke:
              css.getPropertyValue(COLOR_VARS[i % COLOR_VARS.length] ?? '--chart-line').trim() || theme.line,
            width: 2,
            points: { show: false },
            spanGaps: false,
          })),
        ],
      },
      data,
      el,
    );
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [shape, width === 0]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  useEffect(() => {
    if (width > 0) plot.current?.setSize({ width, height: HEIGHT });
  }, [width]);

  const latest = series.map((s) => `${series.length > 1 ? `${s.label} ` : ''}${format(lastValue(s.values))}`);
  return (
    <figure className="stat-chart card" data-chart={name} data-points={points}>
      <figcaption className="stat-head">
        <span className="stat-title">{title}</span>
        <span className="stat-latest">{latest.join(' · ')}</span>
      </figcaption>
      <div
        ref={box}
        className="stat-plot"
        role="img"
        aria-label={`${title} over the last hour: ${series
          .map((s) => `${series.length > 1 ? `${s.label}: ` : ''}${summary(s.values, format)}`)
          .join('; ')}`}
        style={{ height: HEIGHT }}
      />
      {series.length > 1 && (
        <ul className="stat-legend" aria-hidden="true">
          {series.map((s, i) => (
            <li key={s.label} data-series={i}>
              {s.label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
