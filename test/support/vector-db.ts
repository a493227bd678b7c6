import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineServices } from '../../src/engine/nodes/node-definition.js';
import { type Database, openDatabase } from '../../src/storage/database.js';
import { type Repositories, createRepositories } from '../../src/storage/repositories.js';
import { testLogger } from './test-logger.js';

/** A migrated database (a fresh SQLite file, or the given PostgreSQL URL) and its repositories. */
export async function openTestDatabase(postgresUrl?: string): Promise<{ database: Database; repos: Repositories; close(): Promise<void> }> {
  let dir: string | undefined;
  let database: Database;
  if (postgresUrl) {
    database = await openDatabase({ type: 'postgres', url: postgresUrl, host: '', port: 5432, database: '', ssl: false }, testLogger);
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-vec-'));
    database = await openDatabase({ type: 'sqlite', directory: dir, file: path.join(dir, 'database.sqlite') }, testLogger);
  }
  await database.migrate();
  const repos = createRepositories(database.db, database.dialect, testLogger);
  return {
    database,
    repos,
    async close() {
      await database.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The engine services backed by real repositories (what createEngineServices wires in the product). */
export function vectorServices(repos: Repositories): Partial<EngineServices> {
  return { vectors: repos.vectors, embeddingCache: repos.embeddingCache };
}
