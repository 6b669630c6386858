/** Rules over HTTP (shared/rules.ts, server/http/rule-routes.ts): CRUD, enable/disable, run log. */
import Type from 'typebox';
import {
  type RuleBody,
  type RuleDto,
  type RuleRunDto,
  RuleRunSchema,
  RuleSchema,
} from '../../../shared/rules.ts';
import { checker } from '../../../shared/validate.ts';
import { request } from './http.ts';

const ruleChecker = checker(RuleSchema);
const ruleListChecker = checker(Type.Array(RuleSchema));
const runListChecker = checker(Type.Array(RuleRunSchema));
const path = (id: string) => `/api/rules/${encodeURIComponent(id)}`;

export const rulesApi = {
  list: (): Promise<RuleDto[]> => request('/api/rules', ruleListChecker),
  get: (id: string): Promise<RuleDto> => request(path(id), ruleChecker),
  create: (body: RuleBody): Promise<RuleDto> => request('/api/rules', ruleChecker, { method: 'POST', body }),
  replace: (id: string, body: RuleBody): Promise<RuleDto> =>
    request(path(id), ruleChecker, { method: 'PUT', body }),
  setEnabled: (id: string, enabled: boolean): Promise<RuleDto> =>
    request(`${path(id)}/${enabled ? 'enable' : 'disable'}`, ruleChecker, { method: 'POST' }),
  remove: (id: string): Promise<void> => request(path(id), null, { method: 'DELETE' }),
  /** Newest first. */
  runs: (id: string, limit = 50): Promise<RuleRunDto[]> =>
    request(`${path(id)}/runs?limit=${limit}`, runListChecker),
};
