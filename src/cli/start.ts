import { Authenticator } from '../server/auth/authenticator.js';
import type { AppConfig } from '../config/app-config.js';
import { createRootLogger } from '../shared/logger.js';
import { composeServer } from './compose-server.js';
import { installProcessHandlers } from './signals.js';

/** `aimicromind start`: the HTTP server (main mode runs flows here; queue mode enqueues them). */
export async function runStart(config: AppConfig): Promise<void> {
  const logger = createRootLogger(config.logLevel, { role: 'server' });
  const startedAt = performance.now();
  const server = await composeServer(config, logger);
  installProcessHandlers(logger, () => server.close());
  const url = await server.listen();
  logger.info(
    { url, mode: config.mode, database: config.database.type, startupMs: Math.round(performance.now() - startedAt) },
    'aimicromind server ready',
  );
  const auth = new Authenticator(config, server.core.repos.apiKeys);
  if (!auth.hasAdminCredentials) {
    if (auth.loopbackFallbackPossible) {
      logger.warn(
        'no AIMICROMIND_API_KEY or AIMICROMIND_USERNAME/PASSWORD set: until an API key exists, the management API answers only requests from this machine (loopback)',
      );
    } else {
      logger.warn(
        'no AIMICROMIND_API_KEY or AIMICROMIND_USERNAME/PASSWORD set and HOST is not loopback: the management API accepts only API keys; set AIMICROMIND_API_KEY to create the first one',
      );
    }
  }
}
