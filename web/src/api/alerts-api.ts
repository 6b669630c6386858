/** Alerts over HTTP (shared/alerts.ts): the list and the acknowledgement. */
import Type from 'typebox';
import { type AlertDto, AlertSchema } from '../../../shared/alerts.ts';
import { checker } from '../../../shared/validate.ts';
import { request } from './http.ts';

const alertChecker = checker(AlertSchema);
const alertListChecker = checker(Type.Array(AlertSchema));

export const alertsApi = {
  list: (status: 'active' | 'cleared' | 'all', limit = 200): Promise<AlertDto[]> =>
    request(`/api/alerts?status=${status}&limit=${limit}`, alertListChecker),

  /** Acknowledges as the logged-in user; the alert stays active until its rule clears it. */
  ack: (id: number): Promise<AlertDto> =>
    request(`/api/alerts/${id}/ack`, alertChecker, { method: 'POST', body: {} }),
};
