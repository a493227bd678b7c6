import type { FastifyInstance } from 'fastify';
import { errorMessage } from '../../shared/app-error.js';
import { withDeadline } from '../../shared/with-deadline.js';
import type { AppDeps } from '../app-deps.js';

/** Liveness and readiness (api-contract.md §8.7), open to anyone. */
export async function healthRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'readiness'>): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, string> = {};
    const failing: string[] = [];
    await Promise.all(
      deps.readiness.map(async ({ name, check }) => {
        try {
          await withDeadline(check(), 2000, name);
          checks[name] = 'ok';
        } catch (error) {
          checks[name] = `failed: ${errorMessage(error)}`;
          failing.push(name);
        }
      }),
    );
    if (failing.length === 0) return { status: 'ok', checks };
    return reply.code(503).send({
      statusCode: 503,
      success: false,
      message: `Not ready: ${failing.sort().join(', ')} unreachable`,
      code: failing.includes('database') ? 'DATABASE_UNAVAILABLE' : 'QUEUE_UNAVAILABLE',
      checks,
    });
  });
}

export async function infoRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/api/v1/ping', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('pong'));
  app.get('/api/v1/version', async () => ({ version: deps.config.version }));
  // Flowise's check for NUMBER_OF_PROXIES: the address rate limits count this client under.
  app.get('/api/v1/ip', async (request) => ({
    ip: request.ip,
    msg: 'The address rate limits count you under. If it is not your own public address, set NUMBER_OF_PROXIES to the number of reverse proxies in front of this server.',
  }));
}

/** Prometheus metrics (management auth, api-contract.md §8.3). */
export async function metricsRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
}
