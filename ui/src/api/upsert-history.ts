import { api } from './client';

/** One node of an upsert, as the server records it (Flowise's `saveUpsertFlowData`). */
export interface UpsertFlowEntry {
  label: string;
  name: string;
  category: string;
  id: string;
  paramValues: Array<{ label: string; name: string; type: string; value: unknown }>;
}

/** A row of `GET /api/v1/upsert-history/:chatflowId` (Flowise's UpsertHistory, parsed). */
export interface UpsertHistoryEntry {
  id: string;
  chatflowid: string;
  result: { numAdded?: number; numUpdated?: number; numSkipped?: number; numDeleted?: number } | null;
  flowData: UpsertFlowEntry[] | null;
  date: string;
}

export const upsertHistory = {
  /** Newest first; `startDate`/`endDate` are ISO dates (`2026-11-29`: that whole day, UTC). */
  list: (chatflowId: string, range: { startDate?: string; endDate?: string }) => {
    const query = new URLSearchParams({ order: 'DESC' });
    if (range.startDate) query.set('startDate', range.startDate);
    if (range.endDate) query.set('endDate', range.endDate);
    return api<UpsertHistoryEntry[]>('GET', `/upsert-history/${encodeURIComponent(chatflowId)}?${query}`);
  },
  remove: (ids: string[]) => api<{ deleted: number }>('PATCH', '/upsert-history', { ids }),
};
