import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

/**
 * The BullMQ dashboard (bull-board) at `basePath`. Mounted inside the admin-only scope of build-app,
 * so every sub-path (UI, static files, API) requires the admin key or Basic credentials.
 */
export async function registerQueueDashboard(app: FastifyInstance, queue: Queue, basePath: string): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: [new BullMQAdapter(queue)],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'aimicromind queue' } },
  });
  await app.register(serverAdapter.registerPlugin());
}
