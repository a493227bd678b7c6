import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Metrics } from '../shared/metrics.js';
import type { Logger } from '../shared/logger.js';
import type { ReadinessCheck } from '../server/app-deps.js';
import { registerErrorHandling } from '../server/plugins/error-handler.js';
import { healthRoutes } from '../server/routes/system.routes.js';
import type { Authenticator } from '../server/auth/authenticator.js';

/**
 * A worker's own small HTTP server on WORKER_PORT, bound to HOST like the server's port:
 * `/healthz`, `/readyz` (database, Redis, consuming) and `/metrics` (management auth, as on the
 * server). A busy port is a warning, not a failure: the worker keeps consuming without it.
 */
export async function startHealthServer(options: {
  port: number;
  /** The address to listen on (HOST). */
  host: string;
  readiness: ReadinessCheck[];
  metrics: Metrics;
  auth: Authenticator;
  logger: Logger;
}): Promise<FastifyInstance | undefined> {
  if (options.port === 0) return undefined;
  const log = options.logger.child({ module: 'worker-health' });
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  registerErrorHandling(app);
  await healthRoutes(app, { readiness: options.readiness });
  app.get('/metrics', async (request, reply) => {
    await options.auth.requireManagement(request);
    return reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  try {
    await app.listen({ port: options.port, host: options.host });
    log.info({ host: options.host, port: options.port }, 'worker health server listening');
    return app;
  } catch (error) {
    log.warn({ host: options.host, port: options.port, reason: (error as Error).message }, 'WORKER_PORT is not available: no /healthz, /readyz or /metrics for this worker; consuming anyway');
    await app.close().catch(() => undefined);
    return undefined;
  }
}
