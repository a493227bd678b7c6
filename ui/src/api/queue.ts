import { api } from './client';

/** `GET /api/v1/queue/status` (server: runner/queue/queue-status.ts). */
export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

export interface QueueWorker {
  name: string;
  address: string;
  connectedSince: string;
  idleSeconds: number;
}

export interface ActiveJob {
  id: string;
  chatflowId?: string;
  chatflowName?: string;
  /** A document store's job (upsertion queue). */
  documentStoreId?: string;
  documentStoreName?: string;
  startedAt?: string;
  worker?: string;
  attempt: number;
}

export interface QueueView {
  kind: 'prediction' | 'upsertion';
  name: string;
  counts: QueueCounts;
  workers: QueueWorker[];
  active: ActiveJob[];
}

export type QueueStatus = { mode: 'queue'; queues: QueueView[]; readAt: string } | { mode: 'main'; queues: []; message: string };

export const fetchQueueStatus = (signal?: AbortSignal) => api<QueueStatus>('GET', '/queue/status', undefined, signal ? { signal } : {});
