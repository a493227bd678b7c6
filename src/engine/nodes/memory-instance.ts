import type { ChatTurn, InputSpec, RunContext } from './node-definition.js';

/** What memory nodes build. They only read: the server writes the conversation after each run. */
export interface MemoryInstance {
  kind: 'memory';
  memoryKey: string;
  label: string;
  /** The conversation for the run's session, request `history` included, oldest first. */
  loadTurns(ctx: RunContext): Promise<ChatTurn[]>;
  /**
   * Summary memories: the running summary of the conversation (`''` when there is none yet) and the
   * turns it does not cover, oldest first. Chains and agents prefer this to `loadTurns` when present.
   */
  loadSummarized?(ctx: RunContext): Promise<{ summary: string; turns: ChatTurn[] }>;
}

export const MEMORY_BASE_CLASSES = ['BaseChatMemory', 'BaseMemory'];

export function isMemoryInstance(value: unknown): value is MemoryInstance {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'memory';
}

/** `{{chat_history}}` text: `Human: …` / `Assistant: …` lines. */
export function historyAsText(turns: ChatTurn[]): string {
  return turns.map((t) => `${t.role === 'userMessage' ? 'Human' : 'Assistant'}: ${t.content}`).join('\n');
}

export const MEMORY_INPUTS: InputSpec[] = [
  {
    name: 'sessionId',
    kind: 'param',
    type: 'string',
    label: 'Session Id',
    optional: true,
    additionalParams: true,
    description: "Used only when a request names no session; by default each chat's id is its session",
  },
  {
    name: 'memoryKey',
    kind: 'param',
    type: 'string',
    label: 'Memory Key',
    optional: true,
    default: 'chat_history',
    additionalParams: true,
  },
];
