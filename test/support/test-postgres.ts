import pg from 'pg';
import { inject } from 'vitest';

/** A fresh database on the run's PostgreSQL server, for one test file. */
export async function createTestDatabase(prefix = 't'): Promise<string> {
  const admin = inject('postgresAdminUrl');
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return admin.replace(/\/[^/]*$/, `/${name}`);
}
