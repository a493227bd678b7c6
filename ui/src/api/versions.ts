import type { Chatflow } from './types';
import { api } from './client';

/** One entry of `GET /api/v1/chatflows/:id/versions` (newest first; `current` marks what the chatflow holds). */
export interface VersionSummary {
  n: number;
  savedBy: string | null;
  savedDate: string;
  message: string | null;
  current: boolean;
}

export interface Version extends VersionSummary {
  flowData: string;
}

export const listVersions = (chatflowId: string) => api<VersionSummary[]>('GET', `/chatflows/${chatflowId}/versions`);

export const getVersion = (chatflowId: string, n: number) => api<Version>('GET', `/chatflows/${chatflowId}/versions/${n}`);

/** Restores version `n` as a new save; `expected` is the chatflow version the user saw (If-Match). */
export const restoreVersion = (chatflowId: string, n: number, expected?: number) =>
  api<Chatflow>('POST', `/chatflows/${chatflowId}/versions/${n}/restore`, undefined, expected === undefined ? {} : { headers: { 'If-Match': `"${expected}"` } });
