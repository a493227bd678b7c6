import { bufferMemory } from './buffer-memory.js';
import { bufferWindowMemory } from './buffer-window-memory.js';
import { chatAnthropic } from './chat-anthropic.js';
import { chatOllama } from './chat-ollama.js';
import { chatOpenAI } from './chat-openai.js';
import { chatPromptTemplate } from './chat-prompt-template.js';
import { conversationChain } from './conversation-chain.js';
import { documentStoreLoader } from './document-store-loader.js';
import { documentStoreVS } from './document-store-vs.js';
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
// rag-engine branch
import { conversationalRetrievalQAChain } from './chains/conversational-retrieval-qa-chain.js';
import { retrievalQAChain } from './chains/retrieval-qa-chain.js';
import { ollamaEmbedding, googleGenerativeAiEmbeddings } from './embeddings/local-and-google-embeddings.js';
import { azureOpenAIEmbeddings, localAIEmbeddings, openAIEmbeddings } from './embeddings/openai-embeddings.js';
import { cheerioWebScraper } from './loaders/cheerio-web-scraper.js';
import { csvFile, jsonFile } from './loaders/data-loaders.js';
import { pdfFile } from './loaders/pdf-file.js';
import { docxFile, plainText, textFile } from './loaders/text-loaders.js';
import { characterTextSplitter, markdownTextSplitter, recursiveCharacterTextSplitter, tokenTextSplitter } from './splitters/text-splitters.js';
import { retrieverTool } from './tools/retriever-tool.js';
import { faiss, memoryVectorStore } from './vectorstores/faiss-and-memory.js';
import { postgres } from './vectorstores/postgres.js';

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
  // rag-engine branch: loaders, splitters, embeddings, vector stores, retrieval chains and tools
  textFile,
  plainText,
  pdfFile,
  docxFile,
  csvFile,
  jsonFile,
  cheerioWebScraper,
  recursiveCharacterTextSplitter,
  characterTextSplitter,
  markdownTextSplitter,
  tokenTextSplitter,
  openAIEmbeddings,
  azureOpenAIEmbeddings,
  localAIEmbeddings,
  ollamaEmbedding,
  googleGenerativeAiEmbeddings,
  faiss,
  memoryVectorStore,
  postgres,
  conversationalRetrievalQAChain,
  retrievalQAChain,
  retrieverTool,
  // rag-files: document stores
  documentStoreLoader,
  documentStoreVS,
];

export function createNodeRegistry(nodes: readonly NodeDefinition[] = SUPPORTED_NODES): NodeRegistry {
  return new Map(nodes.map((node) => [node.name, node]));
}
