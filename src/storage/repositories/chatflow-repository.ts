import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { ChatFlowTable } from '../schema.js';
import { fromFlag, nowIso, toFlag } from './json-columns.js';

export type ChatflowType = 'CHATFLOW' | 'MULTIAGENT' | 'AGENTFLOW' | 'ASSISTANT';

/** A chatflow as the API shows it (Flowise's field names; JSON fields stay strings as in Flowise). */
export interface ChatFlow {
  id: string;
  name: string;
  flowData: string;
  deployed: boolean | null;
  isPublic: boolean | null;
  apikeyid: string | null;
  chatbotConfig: string | null;
  apiConfig: string | null;
  analytic: string | null;
  speechToText: string | null;
  followUpPrompts: string | null;
  category: string | null;
  type: ChatflowType;
  version: number;
  createdDate: string;
  updatedDate: string;
}

export type ChatFlowFields = Omit<ChatFlow, 'id' | 'version' | 'createdDate' | 'updatedDate'>;

function toChatFlow(row: Selectable<ChatFlowTable>): ChatFlow {
  return {
    ...row,
    deployed: fromFlag(row.deployed),
    isPublic: fromFlag(row.isPublic),
    type: row.type as ChatflowType,
    version: Number(row.version),
  };
}

function toRow(fields: Partial<ChatFlowFields>): Partial<ChatFlowTable> {
  const { deployed, isPublic, ...rest } = fields;
  const row: Partial<ChatFlowTable> = { ...rest };
  if (deployed !== undefined) row.deployed = toFlag(deployed);
  if (isPublic !== undefined) row.isPublic = toFlag(isPublic);
  return row;
}

export class ChatFlowRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<ChatFlow[]> {
    const rows = await this.db.selectFrom('chat_flow').selectAll().orderBy('createdDate', 'asc').execute();
    return rows.map(toChatFlow);
  }

  async get(id: string): Promise<ChatFlow | undefined> {
    const row = await this.db.selectFrom('chat_flow').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toChatFlow(row) : undefined;
  }

  async create(fields: ChatFlowFields, id: string = randomUUID()): Promise<ChatFlow> {
    const now = nowIso();
    const row: ChatFlowTable = {
      id,
      name: fields.name,
      flowData: fields.flowData,
      deployed: toFlag(fields.deployed),
      isPublic: toFlag(fields.isPublic),
      apikeyid: fields.apikeyid,
      chatbotConfig: fields.chatbotConfig,
      apiConfig: fields.apiConfig,
      analytic: fields.analytic,
      speechToText: fields.speechToText,
      followUpPrompts: fields.followUpPrompts,
      category: fields.category,
      type: fields.type,
      version: 1,
      createdDate: now,
      updatedDate: now,
    };
    await this.db.insertInto('chat_flow').values(row).execute();
    return toChatFlow(row);
  }

  /**
   * Merges the given fields into the stored chatflow (PUT semantics of api-contract.md §8.2). With
   * `expectedVersion`, only if the stored version is still that one (optimistic concurrency: undefined
   * otherwise, as for a missing chatflow).
   */
  async update(id: string, patch: Partial<ChatFlowFields>, expectedVersion?: number): Promise<ChatFlow | undefined> {
    let query = this.db
      .updateTable('chat_flow')
      .set((eb) => ({ ...toRow(patch), version: eb('version', '+', 1), updatedDate: nowIso() }))
      .where('id', '=', id);
    if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
    const updated = await query.returningAll().executeTakeFirst();
    return updated ? toChatFlow(updated) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('chat_flow').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
