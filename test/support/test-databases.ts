import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config/app-config.js';
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
