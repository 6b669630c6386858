/** Desired state over HTTP (shared/desired-state.ts). */
import Type from 'typebox';
import { type DesiredDto, DesiredSchema, type SetDesiredBody } from '../../../shared/desired-state.ts';
import { checker } from '../../../shared/validate.ts';
import { request } from './http.ts';

const desiredChecker = checker(DesiredSchema);
const desiredListChecker = checker(Type.Array(DesiredSchema));
const path = (id: string) => `/api/devices/${encodeURIComponent(id)}/desired`;

export const desiredApi = {
  list: (deviceId: string): Promise<DesiredDto[]> => request(path(deviceId), desiredListChecker),
  set: (deviceId: string, body: SetDesiredBody): Promise<DesiredDto> =>
    request(path(deviceId), desiredChecker, { method: 'PUT', body }),
};
