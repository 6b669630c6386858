import { type ReactNode, useState } from 'react';
import { RULE_KINDS, type RuleDto, type RuleKind } from '../../../shared/rules.ts';
import { rulesApi } from '../api/rules-api.ts';
import { Link } from '../components/Link.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { RuleForm } from '../components/rules/RuleForm.tsx';
import { useDeviceOptions } from '../hooks/useDeviceOptions.ts';
import { useLoader } from '../hooks/useLoader.ts';
import { navigate, rulePath } from '../lib/router.ts';
import { draftOf, newDraft } from '../lib/rule-drafts.ts';
import { KIND_LABEL } from '../lib/rule-summary.ts';
import '../styles/admin.css';
import '../styles/device-page.css';
import '../styles/rules.css';

const KIND_HELP: Record<RuleKind, string> = {
  thermostat: 'Keeps a room at a target temperature on a daily schedule by switching its heater.',
  range_alert: 'Raises an alert while a reading is below a minimum or above a maximum.',
  offline_alert: 'Raises an alert when a device has been offline for a while.',
  automation: 'Anything else: a trigger, conditions and actions, written as JSON.',
};

const isKind = (k: string | null): k is RuleKind => (RULE_KINDS as readonly (string | null)[]).includes(k);

/** The four kinds as buttons: choosing is one press, and arrowing through them chooses nothing by accident. */
function KindChooser({ onChoose }: { onChoose(kind: RuleKind): void }) {
  return (
    <section className="card kind-chooser" aria-labelledby="kind-title">
      <h2 id="kind-title">What should the rule do?</h2>
      <ul className="kind-list">
        {RULE_KINDS.map((k) => (
          <li key={k}>
            <button type="button" className="kind-option" onClick={() => onChoose(k)} data-kind={k}>
              <strong>{KIND_LABEL[k]}</strong>
              <span className="muted">{KIND_HELP[k]}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A new rule (`id` null; `?kind=` preselects) or an edit of an existing one. */
export default function RuleEditPage({ id }: { id: string | null }) {
  const queryKind = new URLSearchParams(window.location.search).get('kind');
  const [kind, setKind] = useState<RuleKind | null>(isKind(queryKind) ? queryKind : null);
  const [rule, setRule] = useState<RuleDto | null>(null);
  const [load, retry] = useLoader(async () => {
    if (id !== null) setRule(await rulesApi.get(id));
  }, [id]);
  const devices = useDeviceOptions();
  const saved = (r: RuleDto) => navigate(rulePath(r.id));
  const cancel = () => navigate(id === null ? '/rules' : rulePath(id));

  let body: ReactNode;
  if (id !== null) {
    body = rule ? (
      <RuleForm key={rule.id} initial={draftOf(rule)} ruleId={rule.id} onSaved={saved} onCancel={cancel} />
    ) : (
      <LoadState state={load} retry={retry} empty="" />
    );
  } else if (kind === null) {
    body = <KindChooser onChoose={setKind} />;
  } else {
    const first = kind === 'thermostat' ? devices.find((d) => d.controls.includes('heater')) : devices[0];
    body = (
      <>
        <p>
          {KIND_HELP[kind]}{' '}
          <button type="button" className="link-button" onClick={() => setKind(null)}>
            Choose another kind
          </button>
        </p>
        <RuleForm
          key={kind}
          initial={newDraft(kind, first?.id)}
          ruleId={null}
          onSaved={saved}
          onCancel={cancel}
          autoFocus
        />
      </>
    );
  }

  const title =
    id === null
      ? kind
        ? `New ${KIND_LABEL[kind].toLowerCase()}`
        : 'New rule'
      : `Edit ${rule?.name ?? 'rule'}`;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/rules">Rules</Link>
        {id !== null && rule && (
          <>
            {' '}
            <span aria-hidden="true">/</span> <Link href={rulePath(id)}>{rule.name}</Link>
          </>
        )}
      </nav>
      <h1 className="page-title" tabIndex={-1}>
        {title}
      </h1>
      {body}
    </>
  );
}
