import type { AppConfig } from '../config/app-config.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { Core } from './compose-core.js';

/** Queue mode arrives with the queue-mode issue; until then the server refuses to start in it. */
export async function composeQueueRunner(_config: AppConfig, _core: Core, _metrics: Metrics, _logger: Logger): Promise<never> {
  throw new Error('MODE=queue is not available in this build yet');
}
