/** Chart colours come from the CSS custom properties, so the chart follows the light/dark theme. */
export interface ChartTheme {
  line: string;
  band: string;
  axis: string;
  grid: string;
}

export function chartTheme(el: Element): ChartTheme {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    line: v('--chart-line', '#c2410c'),
    band: v('--chart-band', 'rgba(194, 65, 12, 0.18)'),
    axis: v('--text-muted', '#555'),
    grid: v('--border', '#ddd'),
  };
}
