import type { AppConfig } from '../config/app-config.js';

/** Queue workers arrive with the queue-mode issue. */
export async function startWorkerProcess(_config: AppConfig): Promise<void> {
  throw new Error('queue workers are not available in this build yet');
}
