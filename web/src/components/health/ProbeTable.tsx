import type { StatsDto } from '../../../../shared/stats.ts';
import { formatCount, formatMs } from '../../lib/units.ts';

/** The in-hub MQTT probe per QoS over the last hour, and the command round trips. */
export function ProbeTable({ stats }: { stats: StatsDto }) {
  const { probe, commands } = stats;
  return (
    <section className="card" aria-labelledby="probe-title">
      <h2 id="probe-title">Broker probe (last hour)</h2>
      <p className="hint">
        The hub publishes to itself through its own broker at each QoS and times the round trip.
      </p>
      {probe.length === 0 ? (
        <p className="state-message">No probes sent yet.</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <section className="table-scroll" tabIndex={0} aria-label="Probe results">
          <table className="data-table probe-table">
            <thead>
              <tr>
                <th scope="col">QoS</th>
                <th scope="col">Sent</th>
                <th scope="col">Received</th>
                <th scope="col">Lost</th>
                <th scope="col">p50</th>
                <th scope="col">p95</th>
                <th scope="col">p99</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {probe.map((p) => (
                <tr key={p.qos} data-qos={p.qos}>
                  <th scope="row">QoS {p.qos}</th>
                  <td>{formatCount(p.sent)}</td>
                  <td>{formatCount(p.received)}</td>
                  <td className={p.lost > 0 ? 'error' : undefined}>{formatCount(p.lost)}</td>
                  <td>{formatMs(p.p50_ms)}</td>
                  <td>{formatMs(p.p95_ms)}</td>
                  <td>{formatMs(p.p99_ms)}</td>
                  <td>{p.last_error ?? <span className="muted">none</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <p className="probe-commands">
        Commands in the last hour: <strong>{formatCount(commands.count)}</strong>
        {commands.count > 0 && (
          <>
            {' · '}p50 {formatMs(commands.p50_ms)} · p99 {formatMs(commands.p99_ms)}
          </>
        )}
      </p>
    </section>
  );
}
