import type { ChatFlow, ChatFlowRepository } from '../storage/repositories/chatflow-repository.js';

/**
 * The chatflows an executor runs, cached by version: a run records the version the server validated,
 * and while that is the version held here, no database read is needed. Exact, unlike a TTL cache.
 */
export class ChatflowVersions {
  private readonly entries = new Map<string, ChatFlow>();

  constructor(
    private readonly repo: ChatFlowRepository,
    private readonly maxEntries = 1000,
  ) {}

  async get(id: string, version: number | undefined): Promise<ChatFlow | undefined> {
    const held = this.entries.get(id);
    if (held && version !== undefined && held.version === version) return held;
    const fresh = await this.repo.get(id);
    this.entries.delete(id);
    if (!fresh) return undefined;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(id, fresh);
    return fresh;
  }
}
