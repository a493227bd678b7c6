import { bufferMemory } from './buffer-memory.js';
import { bufferWindowMemory } from './buffer-window-memory.js';
import { chatAnthropic } from './chat-anthropic.js';
import { chatOllama } from './chat-ollama.js';
import { chatOpenAI } from './chat-openai.js';
import { chatPromptTemplate } from './chat-prompt-template.js';
import { conversationChain } from './conversation-chain.js';
import { llmChain } from './llm-chain.js';
import type { NodeDefinition } from './node-definition.js';
// agents branch
import { calculator } from './calculator.js';
import { inputModerationOpenAI, inputModerationSimple } from './moderation-nodes.js';
import { advancedStructuredOutputParser, csvOutputParser, structuredOutputParser } from './output-parser-nodes.js';
import { toolAgent } from './tool-agent.js';
import { promptTemplate } from './prompt-template.js';
// sandbox branch
import { customTool } from './custom-tool.js';
import { requestsGet, requestsPost } from './request-nodes.js';

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
  // agents branch: agents, tools, output parsers, moderation
  toolAgent,
  calculator,
  csvOutputParser,
  structuredOutputParser,
  advancedStructuredOutputParser,
  inputModerationSimple,
  inputModerationOpenAI,
  // sandbox branch: sandboxed custom tools, HTTP request tools
  customTool,
  requestsGet,
  requestsPost,
];

export function createNodeRegistry(nodes: readonly NodeDefinition[] = SUPPORTED_NODES): NodeRegistry {
  return new Map(nodes.map((node) => [node.name, node]));
}
