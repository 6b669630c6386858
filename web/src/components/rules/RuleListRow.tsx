import { useState } from 'react';
import type { RuleDto, RuleRunDto } from '../../../../shared/rules.ts';
import { rulesApi } from '../../api/rules-api.ts';
import { useLoader } from '../../hooks/useLoader.ts';
import { rulePath } from '../../lib/router.ts';
import { KIND_LABEL } from '../../lib/rule-summary.ts';
import { Link } from '../Link.tsx';
import { RelativeTime } from '../RelativeTime.tsx';
import { RuleEnabledSwitch } from './RuleEnabledSwitch.tsx';

interface Props {
  rule: RuleDto;
  summary: string;
  onChanged(rule: RuleDto): void;
  onDelete(rule: RuleDto): void;
}

/** When the rule last ran (the list API does not say: one small request per rule). */
function LastRun({ ruleId, updatedAt }: { ruleId: string; updatedAt: number }) {
  const [last, setLast] = useState<RuleRunDto | null>(null);
  const [load] = useLoader(
    async () => setLast((await rulesApi.runs(ruleId, 1))[0] ?? null),
    [ruleId, updatedAt],
  );
  if (load.status === 'loading') return <span className="muted">…</span>;
  if (load.status === 'error') return <span className="muted">unknown</span>;
  if (!last) return <span className="muted">never</span>;
  return (
    <span title={last.trigger} data-error={last.error !== null}>
      <RelativeTime ts={last.ts} />
      {last.error !== null && <span className="error"> (failed)</span>}
    </span>
  );
}

/** One rule in the list: name, kind, what it does, when it last ran, enabled, edit and delete. */
export function RuleListRow({ rule, summary, onChanged, onDelete }: Props) {
  return (
    <li className="rule-row" data-rule-id={rule.id} data-kind={rule.kind} data-enabled={rule.enabled}>
      <div className="rule-main">
        <Link href={rulePath(rule.id)} className="admin-name">
          {rule.name}
        </Link>
        <span className="kind-badge">{KIND_LABEL[rule.kind]}</span>
        <span className="muted rule-summary">{summary}</span>
        <span className="muted small-text">
          Last run: <LastRun ruleId={rule.id} updatedAt={rule.updated_at} />
        </span>
      </div>
      <RuleEnabledSwitch rule={rule} onChanged={onChanged} />
      <div className="admin-actions">
        <Link href={`${rulePath(rule.id)}/edit`} className="button secondary small">
          Edit<span className="visually-hidden"> {rule.name}</span>
        </Link>
        <button type="button" className="button danger-outline small" onClick={() => onDelete(rule)}>
          Delete<span className="visually-hidden"> {rule.name}</span>
        </button>
      </div>
    </li>
  );
}
