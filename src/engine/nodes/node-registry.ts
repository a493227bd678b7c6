import { bufferMemory } from './buffer-memory.js';
import { bufferWindowMemory } from './buffer-window-memory.js';
import { chatAnthropic } from './chat-anthropic.js';
import { chatOllama } from './chat-ollama.js';
import { chatOpenAI } from './chat-openai.js';
import { chatPromptTemplate } from './chat-prompt-template.js';
import { conversationChain } from './conversation-chain.js';
import { llmChain } from './llm-chain.js';
import type { NodeDefinition } from './node-definition.js';
import { promptTemplate } from './prompt-template.js';
// agents branch
import { azureChatOpenAI } from './azure-chat-openai.js';
import { calculator } from './calculator.js';
import { chatGoogleGenerativeAI } from './chat-google-generative-ai.js';
import { chatMistralAI } from './chat-mistral-ai.js';
import { chatDeepseek, groqChat } from './groq-deepseek.js';
import { chainTool } from './chain-tool.js';
import { googleCustomSearch, serpAPI, serper } from './search-tool-nodes.js';
import { inputModerationOpenAI, inputModerationSimple } from './moderation-nodes.js';
import { advancedStructuredOutputParser, csvOutputParser, structuredOutputParser } from './output-parser-nodes.js';
import { conversationSummaryBufferMemory, conversationSummaryMemory } from './summary-memory-nodes.js';
import { conversationalAgent, reactAgentChat } from './text-agents.js';
import { toolAgent } from './tool-agent.js';
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
  // agents branch: agents, tools, output parsers, moderation, summary memories, more chat models
  toolAgent,
  conversationalAgent,
  reactAgentChat,
  calculator,
  chainTool,
  serpAPI,
  serper,
  googleCustomSearch,
  csvOutputParser,
  structuredOutputParser,
  advancedStructuredOutputParser,
  inputModerationSimple,
  inputModerationOpenAI,
  conversationSummaryMemory,
  conversationSummaryBufferMemory,
  azureChatOpenAI,
  chatMistralAI,
  chatGoogleGenerativeAI,
  groqChat,
  chatDeepseek,
  // sandbox branch: sandboxed custom tools, HTTP request tools
  customTool,
  requestsGet,
  requestsPost,
];

export function createNodeRegistry(nodes: readonly NodeDefinition[] = SUPPORTED_NODES): NodeRegistry {
  return new Map(nodes.map((node) => [node.name, node]));
}
