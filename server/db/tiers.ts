/**
 * The rollup tiers, finest first. A history query reads the coarsest tier
 * whose buckets are no wider than the chart's, so with tiers about 6–10×
 * apart any range reads at most ~10 rows per point it returns.
 */
export interface RollupTier {
  name: string;
  table: string;
  ms: number;
  /** Which retention setting governs the tier. */
  retention: 'minute_days' | 'hour_days';
}

export const ROLLUP_TIERS: readonly RollupTier[] = [
  { name: '1m', table: 'rollup_1m', ms: 60_000, retention: 'minute_days' },
  { name: '10m', table: 'rollup_10m', ms: 600_000, retention: 'minute_days' },
  { name: '1h', table: 'rollup_1h', ms: 3_600_000, retention: 'hour_days' },
  { name: '6h', table: 'rollup_6h', ms: 21_600_000, retention: 'hour_days' },
];
