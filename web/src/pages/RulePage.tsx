import { useMemo, useState } from 'react';
import type { RuleDto } from '../../../shared/rules.ts';
import { HttpError } from '../api/http.ts';
import { rulesApi } from '../api/rules-api.ts';
import { Link } from '../components/Link.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { DeleteRuleDialog } from '../components/rules/DeleteRuleDialog.tsx';
import { RuleEnabledSwitch } from '../components/rules/RuleEnabledSwitch.tsx';
import { RunLog } from '../components/rules/RunLog.tsx';
import { useDeviceOptions } from '../hooks/useDeviceOptions.ts';
import { useLoader } from '../hooks/useLoader.ts';
import { navigate, rulePath } from '../lib/router.ts';
import { KIND_LABEL, summarize } from '../lib/rule-summary.ts';
import '../styles/admin.css';
import '../styles/device-page.css';
import '../styles/rules.css';

/** One rule: what it does, enabled, edit, delete, and its run log ("why did the heater turn on?"). */
export default function RulePage({ id }: { id: string }) {
  const [rule, setRule] = useState<RuleDto | null>(null);
  const [missing, setMissing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [load, retry] = useLoader(async () => {
    try {
      setRule(await rulesApi.get(id));
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return setMissing(true);
      throw err;
    }
  }, [id]);
  const devices = useDeviceOptions();
  const summary = useMemo(() => {
    const names = new Map(devices.map((d) => [d.id, d.name]));
    return rule ? summarize(rule, (d) => names.get(d) ?? d) : '';
  }, [rule, devices]);

  const crumbs = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link href="/rules">Rules</Link>
    </nav>
  );
  if (!rule) {
    return (
      <>
        {crumbs}
        <h1 className="page-title" tabIndex={-1}>
          {missing ? 'Rule not found' : 'Rule'}
        </h1>
        {missing ? (
          <p className="state-message">
            There is no rule <code>{id}</code> (it may have been deleted).{' '}
            <Link href="/rules">All rules</Link>
          </p>
        ) : (
          <LoadState state={load} retry={retry} empty="" />
        )}
      </>
    );
  }
  return (
    <>
      {crumbs}
      <h1 className="page-title" tabIndex={-1}>
        {rule.name}
      </h1>
      <section className="card rule-head" aria-label="About this rule" data-rule-id={rule.id}>
        <p>
          <span className="kind-badge">{KIND_LABEL[rule.kind]}</span> {summary}
        </p>
        {rule.description && <p className="muted">{rule.description}</p>}
        <div className="form-actions">
          <RuleEnabledSwitch rule={rule} onChanged={setRule} />
          <Link href={`${rulePath(rule.id)}/edit`} className="button secondary">
            Edit
          </Link>
          <button type="button" className="button danger-outline" onClick={() => setDeleting(true)}>
            Delete
          </button>
        </div>
      </section>
      <RunLog ruleId={rule.id} />
      {deleting && (
        <DeleteRuleDialog
          rule={rule}
          onDeleted={() => navigate('/rules', { replace: true })}
          onClose={() => setDeleting(false)}
        />
      )}
    </>
  );
}
