import type { FlowResult, RunEventSink } from '../events/run-event.js';
import type { InstanceCache } from '../run/instance-cache.js';

export type NodeCategory = 'Chat Models' | 'Prompts' | 'Chains' | 'Memory' | 'Agents' | 'Tools' | 'Utilities';

/** One entry of a node's interface (flowise-nodes.md §3): a connectable anchor or a typed param. */
export interface InputSpec {
  name: string;
  kind: 'anchor' | 'param';
  /** Anchor: accepted class (BaseChatModel, BasePromptTemplate, …); param: UI type. */
  type: string;
  optional?: boolean;
  list?: boolean;
  /** `{{question}}`, `{{chat_history}}` and node references are inserted as text here. */
  acceptVariable?: boolean;
}

/** A message of a session's conversation as memory returns it. */
export interface ChatTurn {
  role: 'userMessage' | 'apiMessage';
  content: string;
}

/** What the engine needs from the outside world, passed in explicitly (no DB, env or HTTP here). */
export interface EngineServices {
  loadHistory(chatflowId: string, sessionId: string): Promise<ChatTurn[]>;
  /** Decrypted fields of a stored credential; fails (FlowValidationError) when it is missing or of another type. */
  loadCredential(credentialId: string, acceptedNames: string[], nodeId: string): Promise<Record<string, unknown>>;
  llm: { maxRetries: number };
  /** Where reusable node instances (chat models) are kept between runs; none means build every time. */
  instances?: InstanceCache;
}

/** Everything about the current run that nodes may read. */
export interface RunContext {
  runId: string;
  chatflowId: string;
  chatId: string;
  sessionId: string;
  apiMessageId: string;
  question: string;
  /** The request's `history`, placed before stored messages and never saved. */
  requestHistory: ChatTurn[];
  /** True when the ending node's LLM call should stream tokens into `sink`. */
  streaming: boolean;
  signal: AbortSignal;
  sink: RunEventSink;
  services: EngineServices;
}

export interface BuildContext {
  nodeId: string;
  label: string;
  /** Inputs after overrideConfig and `{{…}}` resolution: references are replaced by built instances. */
  inputs: Record<string, unknown>;
  /** Decrypted credential fields of `data.credential`, when the node has one. */
  credential: Record<string, unknown>;
  /** `data.outputs` (llmChain's chosen output). */
  outputs: Record<string, unknown>;
  run: RunContext;
}

export interface NodeDefinition {
  name: string;
  label: string;
  category: NodeCategory;
  /** Classes this node's instance satisfies; an anchor accepts a node whose list holds its type. */
  baseClasses: string[];
  inputs: InputSpec[];
  /** Accepted credential types and the fields a node may take from its inputs instead. */
  credential?: { names: string[]; fields: string[]; optional: boolean };
  /** Chat models: counts for the streaming rule (§2.6) when the node has no `streaming` input. */
  streamCapable?: boolean;
  /** The built instance depends only on inputs and credential, and may serve many runs at once. */
  reusable?: boolean;
  build(ctx: BuildContext): Promise<unknown>;
  /** Ending-capable nodes (chains): runs the built instance with the question. */
  run?(instance: unknown, ctx: RunContext): Promise<FlowResult>;
  /** Extra static checks beyond required inputs; throw FlowValidationError. */
  validate?(inputs: Record<string, unknown>, nodeId: string, outputs: Record<string, unknown>): void;
}
