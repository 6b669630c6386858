/** The owner's account, API tokens and MQTT integration accounts (shared/auth.ts). */
import Type from 'typebox';
import {
  type CreatedIntegrationDto,
  CreatedIntegrationSchema,
  type CreatedTokenDto,
  CreatedTokenSchema,
  type CreateIntegrationBody,
  type IntegrationDto,
  IntegrationSchema,
  type TokenDto,
  TokenSchema,
  type UpdateIntegrationBody,
} from '../../../shared/auth.ts';
import { checker } from '../../../shared/validate.ts';
import { request } from './http.ts';

const tokenListChecker = checker(Type.Array(TokenSchema));
const createdTokenChecker = checker(CreatedTokenSchema);
const integrationChecker = checker(IntegrationSchema);
const integrationListChecker = checker(Type.Array(IntegrationSchema));
const createdIntegrationChecker = checker(CreatedIntegrationSchema);
const integrationPath = (id: string) => `/api/integrations/${encodeURIComponent(id)}`;

export const accountApi = {
  changePassword: (current: string, next: string): Promise<void> =>
    request('/api/auth/password', null, {
      method: 'POST',
      body: { current_password: current, new_password: next },
    }),

  tokens: (): Promise<TokenDto[]> => request('/api/tokens', tokenListChecker),
  createToken: (name: string): Promise<CreatedTokenDto> =>
    request('/api/tokens', createdTokenChecker, { method: 'POST', body: { name } }),
  revokeToken: (id: string): Promise<void> =>
    request(`/api/tokens/${encodeURIComponent(id)}`, null, { method: 'DELETE' }),

  integrations: (): Promise<IntegrationDto[]> => request('/api/integrations', integrationListChecker),
  createIntegration: (body: CreateIntegrationBody): Promise<CreatedIntegrationDto> =>
    request('/api/integrations', createdIntegrationChecker, { method: 'POST', body }),
  updateIntegration: (id: string, body: UpdateIntegrationBody): Promise<IntegrationDto> =>
    request(integrationPath(id), integrationChecker, { method: 'PATCH', body }),
  rotateIntegration: (id: string): Promise<CreatedIntegrationDto> =>
    request(`${integrationPath(id)}/rotate`, createdIntegrationChecker, { method: 'POST' }),
  removeIntegration: (id: string): Promise<void> => request(integrationPath(id), null, { method: 'DELETE' }),
};
