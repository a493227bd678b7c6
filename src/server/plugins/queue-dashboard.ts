import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

/** bull-board's page asks Google for its fonts; its styles fall back to the system's sans-serif and monospace. */
const EXTERNAL_FONTS = /<link[^>]*fonts\.googleapis\.com[^>]*>\s*/g;

/**
 * The BullMQ dashboard (bull-board) at `basePath`, listing `queues` (the chat queue and the upsertion
 * queue). Mounted inside the admin-only scope of build-app, so every sub-path (UI, static files, API)
 * requires the admin key, Basic credentials or a web UI session. The page is served without its Google
 * Fonts link (bull-board has no setting for it), so opening it contacts no other host.
 */
export async function registerQueueDashboard(app: FastifyInstance, queues: Queue[], basePath: string): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'aimicromind queue' } },
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    return payload.replace(EXTERNAL_FONTS, '');
  });
  await app.register(serverAdapter.registerPlugin());
}
