import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DatabaseConfig } from '../../src/config/app-config.js';
import { type Database, openDatabase } from '../../src/storage/database.js';
import { type Repositories, createRepositories } from '../../src/storage/repositories.js';
import { testLogger } from './test-logger.js';
import { createTestDatabase } from './test-postgres.js';

/** Both dialects for `describe.each`: a fresh SQLite file, and a fresh database on the run's PostgreSQL. */
export function bothDialects(prefix: string): Array<['sqlite' | 'postgres', () => Promise<DatabaseConfig>]> {
  return [
    [
      'sqlite',
      async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aim-${prefix}-`));
        return { type: 'sqlite', directory: dir, file: path.join(dir, 'database.sqlite') };
      },
    ],
    ['postgres', async () => ({ type: 'postgres', url: await createTestDatabase(prefix), host: '', port: 0, database: '', ssl: false })],
  ];
}

/**
 * Opens and migrates the database `makeConfig` describes before the tests of the calling `describe`,
 * and closes it after; `repos` is set once they start.
 */
export function migratedDatabase(makeConfig: () => Promise<DatabaseConfig>): { repos: Repositories } {
  const holder = {} as { repos: Repositories };
  let database: Database | undefined;
  beforeAll(async () => {
    database = await openDatabase(await makeConfig(), testLogger);
    await database.migrate();
    holder.repos = createRepositories(database.db, database.dialect);
  });
  afterAll(async () => database?.close());
  return holder;
}
