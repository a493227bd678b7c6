import type { Logger } from '../shared/logger.js';
import type { ChatFlow, ChatFlowRepository } from '../storage/repositories/chatflow-repository.js';
import type { ChatFlowVersionRepository } from '../storage/repositories/chatflow-version-repository.js';

/**
 * The chatflows an executor runs, at the version a run (or upsert job) was validated against. The
 * newest one is cached by version: while that is the version asked for, no database read is needed
 * (exact, unlike a TTL cache). A run validated at an older row counter (the chatflow was saved while it
 * waited in the queue) gets that counter's flowData from the version history; only if that version is
 * gone (pruned with CHATFLOW_VERSIONS_MAX 0 before the run was stored) does it run the current flowData.
 */
export class ChatflowVersions {
  private readonly entries = new Map<string, ChatFlow>();

  constructor(
    private readonly repo: ChatFlowRepository,
    private readonly history: ChatFlowVersionRepository,
    private readonly log?: Logger,
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
    if (version === undefined || version >= fresh.version) return fresh;
    const flowData = await this.history.flowDataAt(id, version);
    if (flowData === undefined) {
      this.log?.warn({ chatflowId: id, version, current: fresh.version }, 'the validated chatflow version is gone; running the current one');
      return fresh;
    }
    return { ...fresh, flowData, version };
  }
}
