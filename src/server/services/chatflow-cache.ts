import type { ChatFlow, ChatFlowRepository } from '../../storage/repositories/chatflow-repository.js';

/**
 * Chatflows as the prediction path reads them: at most `ttlMs` old. Saves a database read on every
 * prediction of a hot chatflow. Changes made through this server are seen at once (the routes
 * invalidate); changes made through another replica within `ttlMs`.
 */
export class ChatflowCache {
  private readonly entries = new Map<string, { chatflow: ChatFlow; expires: number }>();

  constructor(
    private readonly repo: ChatFlowRepository,
    private readonly ttlMs = 1000,
    private readonly maxEntries = 5000,
  ) {}

  async get(id: string): Promise<ChatFlow | undefined> {
    const now = Date.now();
    const entry = this.entries.get(id);
    if (entry && entry.expires > now) return entry.chatflow;
    const chatflow = await this.repo.get(id);
    if (!chatflow) {
      this.entries.delete(id);
      return undefined;
    }
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(id, { chatflow, expires: now + this.ttlMs });
    return chatflow;
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }
}
