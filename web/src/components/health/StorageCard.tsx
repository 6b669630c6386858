import type { StorageDto } from '../../../../shared/api.ts';
import { hubApi } from '../../api/hub-api.ts';
import { usePoll } from '../../hooks/usePoll.ts';
import { formatBytes, formatCount } from '../../lib/units.ts';
import { RelativeTime } from '../RelativeTime.tsx';

const TIER_LABEL: Record<string, string> = {
  raw: 'Raw readings',
  '1m': '1-minute rollups',
  '10m': '10-minute rollups',
  '1h': '1-hour rollups',
  '6h': '6-hour rollups',
};

/** Storage grows slowly: once a minute is plenty. */
const STORAGE_POLL_MS = 60_000;

function Tiers({ storage }: { storage: StorageDto }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="table-scroll" tabIndex={0} aria-label="Rows per tier">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Tier</th>
            <th scope="col">Rows</th>
            <th scope="col">Added per day</th>
            <th scope="col">Oldest</th>
            <th scope="col">Kept for</th>
          </tr>
        </thead>
        <tbody>
          {storage.tiers.map((t) => (
            <tr key={t.name} data-tier={t.name}>
              <th scope="row">{TIER_LABEL[t.name] ?? t.name}</th>
              <td>{formatCount(t.rows)}</td>
              <td>{formatCount(t.rows_per_day)}</td>
              <td>{t.oldest_ts === null ? '—' : <RelativeTime ts={t.oldest_ts} />}</td>
              <td>{t.retention_days === 0 ? 'forever' : `${t.retention_days} d`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The database: its size now, rows per tier, and where it is heading in 30 days and a year. */
export function StorageCard() {
  const [state, retry] = usePoll(() => hubApi.storage(), STORAGE_POLL_MS);
  const s = state.data;
  return (
    <section className="card" aria-labelledby="storage-title" data-state={s ? 'ready' : 'loading'}>
      <h2 id="storage-title">Storage</h2>
      {state.error && (
        <p className="error" role="alert">
          Could not load the storage figures: {state.error}{' '}
          <button type="button" className="link-button" onClick={retry}>
            Retry
          </button>
        </p>
      )}
      {!s && !state.error && (
        <p className="state-message" aria-busy="true">
          Loading…
        </p>
      )}
      {s && (
        <>
          <dl className="figures">
            <div>
              <dt>Database now</dt>
              <dd data-figure="size">{formatBytes(s.size_bytes)}</dd>
            </div>
            <div>
              <dt>In 30 days</dt>
              <dd data-figure="days_30">{formatBytes(s.projected_bytes.days_30)}</dd>
            </div>
            <div>
              <dt>In a year</dt>
              <dd data-figure="days_365">{formatBytes(s.projected_bytes.days_365)}</dd>
            </div>
          </dl>
          <p className="hint">
            <code>{s.file}</code>, plus {formatBytes(s.wal_bytes)} of write-ahead log not yet folded in.
            Projections assume the last day's rate and each tier's retention.
          </p>
          <Tiers storage={s} />
        </>
      )}
    </section>
  );
}
