/** The hub about itself: health, stats for the health page, storage and per-device retention. */
import {
  type EffectiveRetentionDto,
  EffectiveRetentionSchema,
  type HealthDto,
  HealthSchema,
  type RetentionBody,
  type StorageDto,
  StorageSchema,
} from '../../../shared/api.ts';
import { type StatsDto, StatsSchema } from '../../../shared/stats.ts';
import { checker } from '../../../shared/validate.ts';
import { request } from './http.ts';

const healthChecker = checker(HealthSchema);
const statsChecker = checker(StatsSchema);
const storageChecker = checker(StorageSchema);
const retentionChecker = checker(EffectiveRetentionSchema);
const retentionPath = (id: string) => `/api/devices/${encodeURIComponent(id)}/retention`;

export const hubApi = {
  health: (): Promise<HealthDto> => request('/api/health', healthChecker),
  stats: (signal?: AbortSignal): Promise<StatsDto> => request('/api/stats', statsChecker, { signal }),
  storage: (): Promise<StorageDto> => request('/api/storage', storageChecker),

  retention: (id: string): Promise<EffectiveRetentionDto> => request(retentionPath(id), retentionChecker),
  setRetention: (id: string, body: RetentionBody): Promise<EffectiveRetentionDto> =>
    request(retentionPath(id), retentionChecker, { method: 'PUT', body }),
  /** Back to the hub's defaults for the whole device (metric `*`). */
  resetRetention: (id: string): Promise<EffectiveRetentionDto> =>
    request(`${retentionPath(id)}?metric=*`, retentionChecker, { method: 'DELETE' }),
};
