import type { RuleDto } from '../../../../shared/rules.ts';
import { rulesApi } from '../../api/rules-api.ts';
import { ConfirmDialog } from '../ConfirmDialog.tsx';

/** Asks before deleting a rule: its run log goes, its active alerts clear. */
export function DeleteRuleDialog({
  rule,
  onDeleted,
  onClose,
}: {
  rule: RuleDto;
  onDeleted(): void;
  onClose(): void;
}) {
  return (
    <ConfirmDialog
      title={`Delete the rule "${rule.name}"?`}
      confirmLabel="Delete"
      busyLabel="Deleting…"
      onConfirm={async () => {
        await rulesApi.remove(rule.id);
        onDeleted();
      }}
      onClose={onClose}
    >
      <p>
        It stops at once and its run log is deleted. Its active alerts clear and stay in the history. This
        cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
