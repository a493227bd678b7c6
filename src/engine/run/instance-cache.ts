import { createHash } from 'node:crypto';

/**
 * Built instances of reusable nodes (chat models), keyed by the node type, its resolved inputs and its
 * credential: the same model configuration is constructed once per process, not once per run.
 * LangChain models are safe to share between concurrent calls (each call gets its own signal).
 */
export class InstanceCache {
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly maxEntries = 500) {}

  /** The key hashes its parts, so credentials are not kept a second time in clear as a map key. */
  static key(nodeName: string, inputs: Record<string, unknown>, credential: Record<string, unknown>): string {
    return createHash('sha256').update(nodeName).update('\0').update(JSON.stringify(inputs)).update('\0').update(JSON.stringify(credential)).digest('base64');
  }

  get(key: string): unknown {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: unknown): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }
}
