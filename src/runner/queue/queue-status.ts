import type { Job, Queue } from 'bullmq';
import { docstoreJobOf } from '../docstore/docstore-job.js';
import { AppError } from '../../shared/app-error.js';
import { withDeadline } from '../../shared/with-deadline.js';
import type { Repositories } from '../../storage/repositories.js';

/** Job counts of one queue, as BullMQ's `getJobCounts` names them. */
export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

/** A worker connected to a queue (one Redis client of BullMQ's `Queue.getWorkers()`). */
export interface QueueWorkerView {
  /** The worker's name (`<host>:<pid>` for aimicromind workers; empty for unnamed BullMQ workers). */
  name: string;
  /** Client address as Redis sees it (`ip:port`). */
  address: string;
  /** ISO-8601 UTC: when its connection was opened (now minus the client's `age`). */
  connectedSince: string;
  /** Seconds since the connection last sent a command (a worker waiting for jobs idles while it blocks). */
  idleSeconds: number;
}

/** A job a worker runs now. */
export interface ActiveJobView {
  /** The run id (prediction queue) or the upsert id (upsertion queue). */
  id: string;
  chatflowId?: string;
  chatflowName?: string;
  /** A document store's insert or processing (upsertion queue): the store, instead of a chatflow. */
  documentStoreId?: string;
  documentStoreName?: string;
  /** ISO-8601 UTC: when the worker took it. */
  startedAt?: string;
  /** Name of the worker holding it (BullMQ `processedBy`), when the worker is named. */
  worker?: string;
  /** Starts so far (a worker restart makes it more than 1). */
  attempt: number;
}

export interface QueueView {
  kind: 'prediction' | 'upsertion';
  name: string;
  counts: QueueCounts;
  workers: QueueWorkerView[];
  active: ActiveJobView[];
}

/** `GET /api/v1/queue/status` in queue mode. */
export interface QueueStatus {
  mode: 'queue';
  queues: QueueView[];
  /** ISO-8601 UTC: when this was read. */
  readAt: string;
}

/** What the queue status route asks; present only in queue mode. */
export interface QueueStatusSource {
  status(): Promise<QueueStatus>;
}

/** Active jobs shown per queue: the page is an overview, bull-board (`/admin/queues`) lists them all. */
const ACTIVE_SHOWN = 100;
/** Redis answers in milliseconds; past this it is down (a connection that queues commands would wait forever). */
const REDIS_DEADLINE_MS = 3000;

type AnyQueue = Queue<{ runId?: string; upsertId?: string }>;

/**
 * Reads the prediction and upsertion queues from Redis (counts, connected workers, active jobs) and
 * names each active job's chatflow from the database. Every call asks Redis anew.
 */
export class BullQueueStatus implements QueueStatusSource {
  constructor(
    private readonly queues: Array<{ kind: QueueView['kind']; queue: Queue }>,
    private readonly repos: Pick<Repositories, 'runs' | 'upserts' | 'chatflows' | 'documentStores'>,
  ) {}

  /** Throws 503 `QUEUE_UNAVAILABLE` when Redis fails or does not answer within 3 s. */
  async status(): Promise<QueueStatus> {
    const readAt = Date.now();
    const queues = await Promise.all(this.queues.map(({ kind, queue }) => this.view(kind, queue as unknown as AnyQueue, readAt)));
    return { mode: 'queue', queues, readAt: new Date(readAt).toISOString() };
  }

  private async view(kind: QueueView['kind'], queue: AnyQueue, now: number): Promise<QueueView> {
    const reads = Promise.all([
      queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'),
      queue.getWorkers(),
      queue.getActive(0, ACTIVE_SHOWN - 1),
    ]);
    let counts: Awaited<typeof reads>[0], clients: Awaited<typeof reads>[1], jobs: Awaited<typeof reads>[2];
    try {
      [counts, clients, jobs] = await withDeadline(reads, REDIS_DEADLINE_MS, 'queue status');
    } catch (cause) {
      reads.catch(() => undefined);
      throw new AppError('QUEUE_UNAVAILABLE', 503, 'The queue status cannot be read (Redis is not reachable); try again shortly', { cause });
    }
    const names = new Map<string, string | undefined>();
    const active = await Promise.all(jobs.map((job) => this.activeJob(kind, job, names)));
    return {
      kind,
      name: queue.name,
      counts: {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
        delayed: counts.delayed ?? 0,
      },
      workers: clients.map((client) => this.stable(workerView(client, now), client.id)),
      active,
    };
  }

  /**
   * Redis gives a connection's age in whole seconds, so now-minus-age jitters by up to a second between
   * polls: the first value computed for a connection (CLIENT LIST `id`) is kept while it is connected.
   */
  private readonly since = new Map<string, string>();

  private stable(view: QueueWorkerView, clientId: string | undefined): QueueWorkerView {
    if (!clientId) return view;
    const key = `${view.address}#${clientId}`;
    const first = this.since.get(key);
    if (first) return { ...view, connectedSince: first };
    if (this.since.size > 1000) this.since.clear(); // connections come and go; a bounded memo is enough
    this.since.set(key, view.connectedSince);
    return view;
  }

  private async activeJob(kind: QueueView['kind'], job: Job<{ runId?: string; upsertId?: string }>, names: Map<string, string | undefined>): Promise<ActiveJobView> {
    const id = (kind === 'prediction' ? job.data.runId : job.data.upsertId) ?? String(job.id);
    const record = kind === 'prediction' ? await this.repos.runs.get(id) : await this.repos.upserts.get(id);
    const storeId = record && 'input' in record ? docstoreJobOf(record.input)?.storeId : undefined;
    const chatflowId = storeId ? undefined : record?.chatflowId;
    if (chatflowId && !names.has(chatflowId)) names.set(chatflowId, (await this.repos.chatflows.get(chatflowId))?.name);
    const storeName = storeId ? (await this.repos.documentStores.get(storeId))?.name : undefined;
    return {
      id,
      ...(chatflowId ? { chatflowId } : {}),
      ...(chatflowId && names.get(chatflowId) ? { chatflowName: names.get(chatflowId) } : {}),
      ...(storeId ? { documentStoreId: storeId } : {}),
      ...(storeName ? { documentStoreName: storeName } : {}),
      ...(job.processedOn ? { startedAt: new Date(job.processedOn).toISOString() } : {}),
      ...(job.processedBy ? { worker: job.processedBy } : {}),
      attempt: job.attemptsStarted || 1,
    };
  }
}

/** A CLIENT LIST entry: `rawname` is `<prefix>:<base64 queue>[:w:<worker name>]`, `age`/`idle` in seconds. */
function workerView(client: Record<string, string>, now: number): QueueWorkerView {
  const raw = client.rawname ?? '';
  const marker = raw.indexOf(':w:');
  const age = Number(client.age);
  return {
    name: marker >= 0 ? raw.slice(marker + 3) : '',
    address: client.addr ?? '',
    connectedSince: new Date(now - (Number.isFinite(age) ? age : 0) * 1000).toISOString(),
    idleSeconds: Number.isFinite(Number(client.idle)) ? Number(client.idle) : 0,
  };
}
