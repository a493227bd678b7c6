import type { AppConfig } from '../config/app-config.js';

/** `aimicromind worker`: takes queued runs (queue mode only). */
export async function runWorker(config: AppConfig): Promise<void> {
  if (config.mode !== 'queue') {
    throw new Error('aimicromind worker needs MODE=queue (set it in the environment or .env, shared with the server)');
  }
  const { startWorkerProcess } = await import('./compose-worker.js');
  await startWorkerProcess(config);
}
