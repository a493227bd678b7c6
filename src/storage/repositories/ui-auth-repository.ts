import type { Db } from '../database.js';
import type { UiUserTable } from '../schema.js';
import { nowIso } from './json-columns.js';

export type UiUser = UiUserTable;

/** The one admin account's row id: a second concurrent "create" hits the primary key and fails. */
const ADMIN_ID = 'admin';

/** Web UI sign-in state: the first-visit admin account, sessions, and one-time setup tokens. */
export class UiAuthRepository {
  constructor(private readonly db: Db) {}

  async getAdmin(): Promise<UiUser | undefined> {
    return this.db.selectFrom('ui_user').selectAll().where('id', '=', ADMIN_ID).executeTakeFirst();
  }

  /** Creates the admin account; false when one exists already (another request won the race). */
  async createAdmin(username: string, passwordHash: string): Promise<boolean> {
    try {
      await this.db.insertInto('ui_user').values({ id: ADMIN_ID, username, passwordHash, createdDate: nowIso() }).execute();
      return true;
    } catch (error) {
      if (await this.getAdmin()) return false;
      throw error;
    }
  }

  async createSession(id: string, expiresAt: Date): Promise<void> {
    await this.db.insertInto('ui_session').values({ id, expiresAt: expiresAt.toISOString(), createdDate: nowIso() }).execute();
  }

  /** The session while it exists and has not expired: its expiry and when it began (ISO). */
  async activeSession(id: string, now = new Date()): Promise<{ expiresAt: string; createdDate: string } | undefined> {
    return this.db
      .selectFrom('ui_session')
      .select(['expiresAt', 'createdDate'])
      .where('id', '=', id)
      .where('expiresAt', '>', now.toISOString())
      .executeTakeFirst();
  }

  /** Moves an active session's expiry (sliding renewal); false when it is gone. */
  async renewSession(id: string, expiresAt: Date): Promise<boolean> {
    const result = await this.db.updateTable('ui_session').set({ expiresAt: expiresAt.toISOString() }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('ui_session').where('id', '=', id).execute();
  }

  async deleteExpiredSessions(now = new Date()): Promise<void> {
    await this.db.deleteFrom('ui_session').where('expiresAt', '<=', now.toISOString()).execute();
  }

  async addSetupToken(tokenHash: string): Promise<void> {
    await this.db.insertInto('ui_setup_token').values({ tokenHash, createdDate: nowIso() }).execute();
  }

  async setupTokenExists(tokenHash: string): Promise<boolean> {
    const row = await this.db.selectFrom('ui_setup_token').select('tokenHash').where('tokenHash', '=', tokenHash).executeTakeFirst();
    return row !== undefined;
  }

  async clearSetupTokens(): Promise<void> {
    await this.db.deleteFrom('ui_setup_token').execute();
  }
}
