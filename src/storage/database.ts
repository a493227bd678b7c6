import { createHash } from 'node:crypto';
import { Kysely, Migrator, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/app-config.js';
import type { Logger } from '../shared/logger.js';
import { migrationProvider } from './migrations/index.js';
import type { DatabaseSchema } from './schema.js';
import { createSqliteDialect, openSqlite, withSqliteMigrationLock } from './sqlite-driver.js';

export type Db = Kysely<DatabaseSchema>;

export interface Database {
  readonly db: Db;
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

function postgresPool(config: Extract<DatabaseConfig, { type: 'postgres' }>, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    ...(config.url
      ? { connectionString: config.url }
      : {
          host: config.host,
          port: config.port,
          user: config.user,
          password: config.password,
          database: config.database,
        }),
    ssl: config.ssl ? { rejectUnauthorized: false } : undefined,
    max: 20,
    // The wait for a free pooled connection counts too: thousands of runs at once must queue, not fail.
    // An unreachable database still fails at once (connection refused).
    connectionTimeoutMillis: 60000,
    idleTimeoutMillis: 30000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection failed'));
  return pool;
}

export async function openDatabase(config: DatabaseConfig, logger: Logger): Promise<Database> {
  const log = logger.child({ module: 'database' });
  let closed = false;
  if (config.type === 'sqlite') {
    const raw = openSqlite(config.file);
    const db = new Kysely<DatabaseSchema>({ dialect: createSqliteDialect(raw) });
    return {
      db,
      dialect: 'sqlite',
      migrate: () => withSqliteMigrationLock(config.file, () => runMigrations(db, log)),
      ping: async () => {
        raw.prepare('select 1').get();
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await db.destroy();
      },
    };
  }
  const pool = postgresPool(config, log);
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
  return {
    db,
    dialect: 'postgres',
    // Kysely's migrator holds a PostgreSQL advisory lock while it runs.
    migrate: () => runMigrations(db, log),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/**
 * Runs every query as a named prepared statement (named after its SQL text): PostgreSQL parses and
 * plans each distinct query once per connection instead of on every call, which on the prediction
 * path is most of the database's work.
 */
function withPreparedStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) {
      name = `aim_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      if (names.size < 5000) names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      const wrapped = {
        query: (text: string, values: readonly unknown[]) => client.query({ name: nameOf(text), text, values: values as unknown[] }),
        release: (destroy?: boolean) => client.release(destroy),
      };
      return wrapped as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

async function runMigrations(db: Db, log: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') log.info({ migration: result.migrationName }, 'migration applied');
    if (result.status === 'Error') log.error({ migration: result.migrationName }, 'migration failed');
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02',
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '53300', // too_many_connections
]);

/** True for errors that mean "the database is unreachable" rather than "the query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code === 'SQLITE_BUSY')) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(error.message);
}
