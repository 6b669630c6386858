/**
 * Carries out what an evaluation planned: alerts and desired state at once,
 * rpcs (actor `rule:<id>`) and webhooks in the background. Every action ends
 * as a result line in the rule's run log; none throws.
 */
import type { ActionResult, RuleDto } from '../../../shared/rules.ts';
import type { AlertService } from '../alert-service.ts';
import type { CommandService } from '../command-service.ts';
import type { DesiredStateService } from '../desired-state-service.ts';
import type { PlannedAction } from './rule-types.ts';
import { show } from './rule-types.ts';
import type { WebhookSender } from './webhook-sender.ts';

export interface ActionExecutorDeps {
  alerts: AlertService;
  desired: DesiredStateService;
  commands: CommandService;
  webhooks: WebhookSender;
  rpcTimeoutMs: number;
  webhookTimeoutMs?: number;
}

/** What the webhook receives (docs/rules.md §Webhooks). */
export interface WebhookPayload {
  hub: 'hearth';
  rule: { id: string; name: string; kind: string };
  ts: number;
  trigger: string;
  message: string;
  log: string[];
}

export interface Execution {
  /** One result per action; async ones start as `pending`. */
  results: ActionResult[];
  /** Settles when the async actions finished, with the final results; null when there were none. */
  done: Promise<ActionResult[]> | null;
}

/** One line saying what an action does, for the run log. */
export function summarize(a: PlannedAction): string {
  switch (a.type) {
    case 'rpc':
      return `${a.device_id} ${a.method} ${JSON.stringify(a.params)}`;
    case 'set_desired':
      return `${a.device_id} ${a.property} = ${show(a.value)}`;
    case 'raise_alert':
      return `${a.severity}: ${a.message}`;
    case 'clear_alert':
      return `clear "${a.key}": ${a.reason}`;
    case 'webhook':
      return `POST ${a.url}`;
  }
}

/** Builds the executor over the services the actions reach. */
export function createActionExecutor(deps: ActionExecutorDeps) {
  const { alerts, desired, commands, webhooks } = deps;

  function run(
    rule: RuleDto,
    a: Exclude<PlannedAction, { type: 'webhook' }>,
  ): ActionResult | Promise<ActionResult> {
    const result = (status: ActionResult['status'], detail: string | null): ActionResult => ({
      type: a.type,
      summary: summarize(a),
      status,
      detail,
    });
    const actor = `rule:${rule.id}`;
    switch (a.type) {
      case 'raise_alert': {
        const raised = alerts.raise({
          ruleId: rule.id,
          key: a.key,
          severity: a.severity,
          message: a.message,
          deviceId: a.device_id,
          value: a.value,
        });
        return raised ? result('ok', `alert #${raised.id} raised`) : result('skipped', 'already active');
      }
      case 'clear_alert': {
        const cleared = alerts.clear(rule.id, a.key, a.reason);
        return cleared ? result('ok', `alert #${cleared.id} cleared`) : result('skipped', 'not active');
      }
      case 'set_desired': {
        const d = desired.set(
          a.device_id,
          { property: a.property, value: a.value, ttl_s: a.ttl_s, policy: a.policy },
          actor,
        );
        const waiting = d.waiting_for_device ? '; will apply when the device is back' : '';
        return result(
          d.status === 'failed' ? 'error' : 'ok',
          `${d.status} (v${d.version})${waiting}${d.error ? `: ${d.error}` : ''}`,
        );
      }
      case 'rpc':
        return commands
          .send({
            deviceId: a.device_id,
            method: a.method,
            params: a.params,
            timeoutMs: a.timeout_ms ?? deps.rpcTimeoutMs,
            actor,
          })
          .then((c) =>
            c.status === 'ok'
              ? result('ok', `command ${c.id} ok in ${show(c.rtt_ms)} ms`)
              : result('error', `command ${c.id} ${c.status}: ${c.error?.message ?? ''}`),
          );
    }
  }

  return {
    /** Runs the planned actions of one evaluation. */
    execute(rule: RuleDto, planned: PlannedAction[], payload: Omit<WebhookPayload, 'message'>): Execution {
      const results: ActionResult[] = [];
      const waits: Promise<void>[] = [];
      planned.forEach((a, i) => {
        const base: ActionResult = { type: a.type, summary: summarize(a), status: 'pending', detail: null };
        results.push(base);
        const fail = (err: unknown) => {
          results[i] = { ...base, status: 'error', detail: (err as Error).message ?? String(err) };
        };
        try {
          if (a.type === 'webhook') {
            const body: WebhookPayload = { ...payload, message: a.message };
            waits.push(
              webhooks.post(a.url, body, a.timeout_ms ?? deps.webhookTimeoutMs ?? 5000).then((o) => {
                results[i] = { ...base, status: o.ok ? 'ok' : 'error', detail: o.detail };
              }),
            );
            return;
          }
          const r = run(rule, a);
          if (r instanceof Promise) {
            waits.push(
              r.then((v) => {
                results[i] = v;
              }, fail),
            );
          } else {
            results[i] = r;
          }
        } catch (err) {
          fail(err);
        }
      });
      const snapshot = results.map((r) => ({ ...r }));
      return {
        results: snapshot,
        done: waits.length === 0 ? null : Promise.all(waits).then(() => results),
      };
    },
  };
}

export type ActionExecutor = ReturnType<typeof createActionExecutor>;
