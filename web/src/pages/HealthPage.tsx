import { hubApi } from '../api/hub-api.ts';
import { HubConnectionCard } from '../components/HubConnectionCard.tsx';
import { CountersCard } from '../components/health/CountersCard.tsx';
import { HealthCharts } from '../components/health/HealthCharts.tsx';
import { ProbeTable } from '../components/health/ProbeTable.tsx';
import { StorageCard } from '../components/health/StorageCard.tsx';
import { RelativeTime } from '../components/RelativeTime.tsx';
import { usePoll } from '../hooks/usePoll.ts';
import '../styles/device-page.css';
import '../styles/health.css';

/** The hub samples itself continuously; the page follows at this pace. */
const STATS_POLL_MS = 5000;

/** The hub's health: live charts of the last hour, the broker probe, drops and refusals, storage, TLS. */
export default function HealthPage() {
  const [stats, retry] = usePoll((signal) => hubApi.stats(signal), STATS_POLL_MS);
  const data = stats.data;
  const missing = stats.errorStatus === 404;

  return (
    <div className="health" data-state={data ? 'ready' : stats.error ? 'error' : 'loading'}>
      <h1 className="page-title" tabIndex={-1}>
        Health
      </h1>
      <p className="muted health-status" aria-live="polite">
        {data && stats.updatedAt !== null && (
          <>
            Last hour, sampled every {Math.round(data.interval_ms / 1000)} s; updated{' '}
            <RelativeTime ts={data.now} />.
          </>
        )}
        {data && stats.error && <span className="error"> Could not refresh: {stats.error}. Retrying…</span>}
      </p>
      {!data && stats.error && (
        <p className="error" role="alert">
          {missing
            ? 'This hub does not report statistics (GET /api/stats is missing): update the hub.'
            : `Could not load the statistics: ${stats.error}`}{' '}
          <button type="button" className="link-button" onClick={retry}>
            Retry
          </button>
        </p>
      )}
      {!data && !stats.error && (
        <p className="state-message" aria-busy="true">
          Loading statistics…
        </p>
      )}
      {data && <HealthCharts stats={data} />}
      <div className="health-columns">
        <div>
          {data && <ProbeTable stats={data} />}
          {data && <CountersCard counters={data.counters} />}
        </div>
        <div>
          <StorageCard />
          <HubConnectionCard />
        </div>
      </div>
    </div>
  );
}
