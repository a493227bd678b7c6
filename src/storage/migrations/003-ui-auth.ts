import type { Kysely } from 'kysely';

/**
 * Web UI sign-in: the admin account created on first visit (when no admin credential is configured),
 * the sessions (so a sign-out revokes a cookie on every replica), and the one-time setup tokens each
 * server prints while no admin exists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ui_user')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('passwordHash', 'text', (c) => c.notNull())
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ui_session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('expiresAt', 'text', (c) => c.notNull())
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ui_setup_token')
    .addColumn('tokenHash', 'text', (c) => c.primaryKey())
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ui_setup_token').execute();
  await db.schema.dropTable('ui_session').execute();
  await db.schema.dropTable('ui_user').execute();
}
