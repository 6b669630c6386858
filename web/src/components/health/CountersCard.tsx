import { formatCount, humanizeKey } from '../../lib/units.ts';

function byPrefix(counters: Record<string, number>, prefix: string): [string, number][] {
  return Object.entries(counters)
    .filter(([k]) => k.startsWith(prefix) && k !== `${prefix}total`)
    .map(([k, v]): [string, number] => [k.slice(prefix.length), v])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function ReasonTable({ caption, rows, empty }: { caption: string; rows: [string, number][]; empty: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="data-table counter-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Reason</th>
          <th scope="col">Count</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([reason, n]) => (
          <tr key={reason} data-reason={reason}>
            <td>{humanizeKey(reason)}</td>
            <td>{formatCount(n)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Messages the broker dropped and connections or publishes it refused, by reason, since the hub started. */
export function CountersCard({ counters }: { counters: Record<string, number> }) {
  const dropped = byPrefix(counters, 'mqtt_dropped_');
  const refused = byPrefix(counters, 'mqtt_refused_');
  const droppedTotal = counters.mqtt_dropped_total ?? dropped.reduce((n, [, v]) => n + v, 0);
  return (
    <section className="card" aria-labelledby="counters-title">
      <h2 id="counters-title">Dropped and refused (since the hub started)</h2>
      <div className="counter-columns">
        <div>
          <h3 className="subhead">Dropped messages: {formatCount(droppedTotal)}</h3>
          <ReasonTable caption="Dropped messages by reason" rows={dropped} empty="None dropped." />
        </div>
        <div>
          <h3 className="subhead">Refused</h3>
          <ReasonTable caption="Refused by reason" rows={refused} empty="Nothing refused." />
        </div>
      </div>
    </section>
  );
}
