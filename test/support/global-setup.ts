import type { TestProject } from 'vitest/node';
import { PostgresServer } from './postgres-server.js';
import { RedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    postgresAdminUrl: string;
    postgresPort: number;
  }
}

/** One real Redis and one real PostgreSQL for the whole run, started here and stopped after. */
export default async function setup(project: TestProject) {
  const [redis, postgres] = await Promise.all([RedisServer.start(), PostgresServer.start()]);
  project.provide('redisUrl', redis.url);
  project.provide('postgresAdminUrl', postgres.url());
  project.provide('postgresPort', postgres.port);
  return async () => {
    await Promise.all([redis.stop(), postgres.stop()]);
  };
}
