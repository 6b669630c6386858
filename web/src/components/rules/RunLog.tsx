import { useCallback } from 'react';
import type { RuleRunDto } from '../../../../shared/rules.ts';
import { rulesApi } from '../../api/rules-api.ts';
import { usePoll } from '../../hooks/usePoll.ts';
import { RelativeTime } from '../RelativeTime.tsx';

/** No live event carries rule runs: the log is polled while it is on screen. */
const RUNS_POLL_MS = 5000;

const OUTCOME = { ok: 'OK', error: 'Failed', pending: 'Pending', skipped: 'Skipped' } as const;

function Run({ run }: { run: RuleRunDto }) {
  return (
    <li className="run" data-run-id={run.id} data-error={run.error !== null}>
      <p className="run-head">
        <RelativeTime ts={run.ts} /> · <span className="run-trigger">{run.trigger}</span>
      </p>
      {run.log.length > 0 && (
        <ul className="run-log">
          {run.log.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: log lines are fixed once written and may repeat
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      {run.actions.length > 0 && (
        <ul className="run-actions">
          {run.actions.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: actions keep their order within a run
            <li key={i} data-status={a.status}>
              <span
                className="outcome"
                data-status={a.status === 'ok' ? 'ok' : a.status === 'error' ? 'error' : 'pending'}
              >
                {OUTCOME[a.status]}
              </span>{' '}
              <code>{a.type}</code> {a.summary}
              {a.detail && <span className="muted"> · {a.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      {run.error && <p className="error">Error: {run.error}</p>}
    </li>
  );
}

/** The rule's run log, newest first: what set it off, why it decided what it did, how its actions ended. */
export function RunLog({ ruleId }: { ruleId: string }) {
  const fetchRuns = useCallback(() => rulesApi.runs(ruleId, 50), [ruleId]);
  const [state, retry] = usePoll(fetchRuns, RUNS_POLL_MS);
  const runs = state.data;
  return (
    <section className="card" aria-labelledby="runs-title" data-state={runs ? 'ready' : 'loading'}>
      <h2 id="runs-title">Run log</h2>
      <p className="hint">
        Every time the rule acted, was held back by a condition, or failed; newest first, updated every few
        seconds.
      </p>
      {state.error && (
        <p className="error" role="alert">
          Could not load the run log: {state.error}{' '}
          <button type="button" className="link-button" onClick={retry}>
            Retry
          </button>
        </p>
      )}
      {!runs && !state.error && (
        <p className="state-message" aria-busy="true">
          Loading…
        </p>
      )}
      {runs && runs.length === 0 && <p className="state-message">It has not run yet.</p>}
      {runs && runs.length > 0 && (
        <ol className="runs">
          {runs.map((r) => (
            <Run key={r.id} run={r} />
          ))}
        </ol>
      )}
    </section>
  );
}
