import type { SessionSummary, SummaryKey, SummaryStore } from '../../engine/memory/summary-store.js';
import type { Db } from '../database.js';
import { nowIso } from './json-columns.js';

/** Summary memories' running summaries (the engine's SummaryStore), upserted per chatflow, session and node. */
export class SummaryRepository implements SummaryStore {
  constructor(private readonly db: Db) {}

  async get(key: SummaryKey): Promise<SessionSummary | undefined> {
    const row = await this.db
      .selectFrom('session_summary')
      .select(['summary', 'coveredCount', 'coveredDigest'])
      .where('chatflowid', '=', key.chatflowId)
      .where('sessionId', '=', key.sessionId)
      .where('nodeId', '=', key.nodeId)
      .executeTakeFirst();
    return row ? { summary: row.summary, coveredCount: Number(row.coveredCount), coveredDigest: row.coveredDigest } : undefined;
  }

  async put(key: SummaryKey, summary: SessionSummary): Promise<void> {
    const values = { summary: summary.summary, coveredCount: summary.coveredCount, coveredDigest: summary.coveredDigest, updatedDate: nowIso() };
    await this.db
      .insertInto('session_summary')
      .values({ chatflowid: key.chatflowId, sessionId: key.sessionId, nodeId: key.nodeId, ...values })
      .onConflict((oc) => oc.columns(['chatflowid', 'sessionId', 'nodeId']).doUpdateSet(values))
      .execute();
  }

  async deleteByChatflow(chatflowid: string): Promise<void> {
    await this.db.deleteFrom('session_summary').where('chatflowid', '=', chatflowid).execute();
  }
}
