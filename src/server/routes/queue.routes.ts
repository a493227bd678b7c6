import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/app-error.js';
import type { AppDeps } from '../app-deps.js';
import type { Authenticator } from '../auth/authenticator.js';

/**
 * `GET /api/v1/queue/status` (admin: admin key, Basic or a web UI session): in queue mode the prediction
 * and upsertion queues' job counts, their connected workers and the jobs they run now (see
 * runner/queue/queue-status.ts); in main mode `{mode: 'main', queues: []}` with a message, as there is no queue.
 */
export async function queueRoutes(app: FastifyInstance, deps: AppDeps, auth: Authenticator): Promise<void> {
  app.get('/api/v1/queue/status', async (request) => {
    const caller = await auth.requireManagement(request);
    if (!caller.admin) throw new AppError('FORBIDDEN', 403, 'The queue status is for the admin only (admin key, username and password, or the web UI)');
    if (!deps.queueStatus) return { mode: 'main', queues: [], message: 'Queue mode is off (MODE=main): runs execute inside the server, there is no queue to show.' };
    return deps.queueStatus.status();
  });
}
