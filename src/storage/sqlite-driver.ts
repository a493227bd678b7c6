import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  SqliteDialect,
  SqliteDriver,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import { registerVectorFunctions } from './repositories/vector-search.js';

/** How long a writer waits for another process's write lock before failing (SQLite busy timeout). */
const BUSY_TIMEOUT_MS = 15000;
const STATEMENT_CACHE_SIZE = 500;

/**
 * Several processes (server and workers) may share one SQLite file. WAL lets readers go on while one
 * process writes, the busy timeout makes a writer wait for the lock instead of failing, and every
 * transaction starts with `BEGIN IMMEDIATE`: a deferred transaction that reads and then writes cannot
 * wait for the lock (SQLite answers SQLITE_BUSY at once), an immediate one can.
 */
export function openSqlite(file: string): BetterSqlite3.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  registerVectorFunctions(db);
  return db;
}

/** Kysely prepares every query anew; caching prepared statements by SQL text saves most of that work. */
function withStatementCache(db: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(sql, stmt);
      }
      return stmt as unknown as SqliteStatement;
    },
  };
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SqliteDatabase) {
    super({ database });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

export function createSqliteDialect(db: BetterSqlite3.Database): SqliteDialect {
  return new ImmediateSqliteDialect(withStatementCache(db));
}

/**
 * Migrations must run in one process at a time. SQLite has no advisory locks, so an exclusive
 * transaction on a small side file serves as a cross-process mutex.
 */
export async function withSqliteMigrationLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = new BetterSqlite3(`${file}.migrate-lock`, { timeout: 120000 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
    try {
      return await fn();
    } finally {
      lock.exec('COMMIT');
    }
  } finally {
    lock.close();
  }
}
