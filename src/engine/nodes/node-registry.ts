import { bufferMemory } from './buffer-memory.js';
import { bufferWindowMemory } from './buffer-window-memory.js';
import { chatAnthropic } from './chat-anthropic.js';
import { chatOllama } from './chat-ollama.js';
import { chatOpenAI } from './chat-openai.js';
import { chatPromptTemplate } from './chat-prompt-template.js';
import { conversationChain } from './conversation-chain.js';
import { documentStoreLoader } from './document-store-loader.js';
import { llmChain } from './llm-chain.js';
import type { NodeDefinition } from './node-definition.js';
import { promptTemplate } from './prompt-template.js';

export type NodeRegistry = ReadonlyMap<string, NodeDefinition>;

/** Every node type the engine runs, by `data.name` (never by label, which changes between versions). */
export const SUPPORTED_NODES: readonly NodeDefinition[] = [
  chatOpenAI,
  chatAnthropic,
  chatOllama,
  promptTemplate,
  chatPromptTemplate,
  llmChain,
  conversationChain,
  bufferMemory,
  bufferWindowMemory,
  // rag-files: document stores
  documentStoreLoader,
];

export function createNodeRegistry(nodes: readonly NodeDefinition[] = SUPPORTED_NODES): NodeRegistry {
  return new Map(nodes.map((node) => [node.name, node]));
}
