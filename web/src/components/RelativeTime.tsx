import { useNow } from '../hooks/useNow.ts';
import { formatAbsolute, formatRelative } from '../lib/format.ts';

/** "3 min ago", with the absolute time in the title and a machine-readable datetime. */
export function RelativeTime({ ts, prefix = '' }: { ts: number; prefix?: string }) {
  const now = useNow();
  return (
    <time dateTime={new Date(ts).toISOString()} title={formatAbsolute(ts)}>
      {prefix}
      {formatRelative(ts, now)}
    </time>
  );
}
