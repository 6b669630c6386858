import { useMemo, useState } from 'react';
import type { RuleDto } from '../../../shared/rules.ts';
import { rulesApi } from '../api/rules-api.ts';
import { Link } from '../components/Link.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { DeleteRuleDialog } from '../components/rules/DeleteRuleDialog.tsx';
import { RuleListRow } from '../components/rules/RuleListRow.tsx';
import { useDeviceOptions } from '../hooks/useDeviceOptions.ts';
import { useLoader } from '../hooks/useLoader.ts';
import { summarize } from '../lib/rule-summary.ts';
import '../styles/admin.css';
import '../styles/device-page.css';
import '../styles/rules.css';

/** Every rule: what it does, whether it is on, when it last ran; create, edit, delete. */
export default function RulesPage() {
  const [rules, setRules] = useState<RuleDto[]>([]);
  const [load, retry] = useLoader(async () => setRules(await rulesApi.list()), []);
  const [deleting, setDeleting] = useState<RuleDto | null>(null);
  const devices = useDeviceOptions();
  const name = useMemo(() => {
    const names = new Map(devices.map((d) => [d.id, d.name]));
    return (id: string) => names.get(id) ?? id;
  }, [devices]);
  const replace = (r: RuleDto) => setRules((list) => list.map((x) => (x.id === r.id ? r : x)));

  return (
    <>
      <div className="page-head">
        <h1 className="page-title" tabIndex={-1}>
          Rules
        </h1>
        <Link href="/rules/new" className="button">
          New rule
        </Link>
      </div>
      <section className="card" aria-labelledby="rule-list-title">
        <h2 id="rule-list-title" className="visually-hidden">
          All rules
        </h2>
        {rules.length === 0 ? (
          <LoadState
            state={load}
            retry={retry}
            empty="No rules yet. A thermostat keeps a room warm on a schedule; alerts tell you when a reading leaves its range or a device goes away."
          />
        ) : (
          <ul className="admin-list">
            {rules.map((r) => (
              <RuleListRow
                key={r.id}
                rule={r}
                summary={summarize(r, name)}
                onChanged={replace}
                onDelete={setDeleting}
              />
            ))}
          </ul>
        )}
      </section>
      {deleting && (
        <DeleteRuleDialog
          rule={deleting}
          onDeleted={() => setRules((list) => list.filter((x) => x.id !== deleting.id))}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
