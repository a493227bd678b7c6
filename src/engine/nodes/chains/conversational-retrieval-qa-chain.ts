import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import { FlowValidationError } from '../../errors.js';
import type { FlowResult } from '../../events/run-event.js';
import { checkInputModeration } from '../../moderation/check-input-moderation.js';
import { INPUT_MODERATION_INPUT } from '../shared-inputs.js';
import { messageClasses, turnsToMessages } from '../../prompts/messages.js';
import { type ParsedTemplate, parseTemplate, renderTemplate } from '../../prompts/template.js';
import { callChatModel } from '../../run/call-model.js';
import { asBoolean, asString } from '../input-values.js';
import { type MemoryInstance, isMemoryInstance } from '../memory-instance.js';
import type { ChatTurn, NodeDefinition, RunContext } from '../node-definition.js';
import { type RetrieverLike, asRetriever, emitSourceDocuments, retrieve, toSourceDocuments } from './retrieval.js';

/** Turns a follow-up question into one that stands alone (our wording of Flowise's default). */
export const DEFAULT_REPHRASE_PROMPT = `Using the conversation below, rewrite the follow-up question so that it can be understood without the conversation.

Conversation:
{chat_history}
Follow-up question: {question}
Standalone question:`;

/** Answers from the retrieved context only (our wording of Flowise's default). */
export const DEFAULT_RESPONSE_PROMPT = `You answer questions about a set of documents. Use only the context below to answer the user's question as well as you can.
If the context holds nothing relevant to the question, reply "Hmm, I'm not sure" and stop there. Do not answer questions unrelated to the documents.
------------
{context}
------------
Remember: when the context has nothing relevant, reply "Hmm, I'm not sure" rather than inventing an answer.`;

/** Appended to the deprecated `systemMessagePrompt` of older exports. */
const LEGACY_QA_PROMPT = `Answer the question at the end using the context below.

{context}

Question: {question}
Helpful answer:`;

interface ChainInstance {
  /** Runs with any question, never streaming (chainTool's InvokableChain). */
  invokeChain(question: string, ctx: RunContext): Promise<FlowResult>;
  nodeId: string;
  /** The resolved `inputModeration` list; a refusal is the answer. */
  moderations: unknown;
  model: BaseChatModel;
  retriever: RetrieverLike;
  memory?: MemoryInstance;
  returnSourceDocuments: boolean;
  rephrase: ParsedTemplate;
  response: ParsedTemplate;
}

/** `human: …` / `ai: …` lines, as LangChain message types print (what the rephrase prompt sees). */
const historyText = (turns: ChatTurn[]) => turns.map((t) => `${t.role === 'userMessage' ? 'human' : 'ai'}: ${t.content}`).join('\n');

/** Documents as the response prompt's `{context}`: `<doc id='0'>…</doc>` lines. */
export const formatContext = (contents: string[]) => contents.map((text, i) => `<doc id='${i}'>${text}</doc>`).join('\n');

/** Without a memory node the chain reads the session's stored messages (Flowise's default buffer memory). */
async function loadTurns(chain: ChainInstance, ctx: RunContext): Promise<ChatTurn[]> {
  if (chain.memory) return chain.memory.loadTurns(ctx);
  if (ctx.sessionId === '') return [...ctx.requestHistory];
  return [...ctx.requestHistory, ...(await ctx.services.loadHistory(ctx.chatflowId, ctx.sessionId))];
}

export const conversationalRetrievalQAChain: NodeDefinition = {
  name: 'conversationalRetrievalQAChain',
  label: 'Conversational Retrieval QA Chain',
  version: 3,
  type: 'ConversationalRetrievalQAChain',
  description: 'Answers questions from documents: rephrases a follow-up with the conversation, retrieves, then answers from what it found.',
  icon: 'retrieval-qa',
  category: 'Chains',
  baseClasses: ['ConversationalRetrievalQAChain', 'BaseChain', 'Runnable'],
  inputs: [
    { name: 'model', kind: 'anchor', type: 'BaseChatModel', label: 'Chat Model' },
    { name: 'vectorStoreRetriever', kind: 'anchor', type: 'BaseRetriever', label: 'Vector Store Retriever' },
    { name: 'memory', kind: 'anchor', type: 'BaseMemory', label: 'Memory', optional: true, description: "Empty: the chat session's stored messages" },
    { name: 'returnSourceDocuments', kind: 'param', type: 'boolean', label: 'Return Source Documents', optional: true },
    {
      name: 'rephrasePrompt',
      kind: 'param',
      type: 'string',
      label: 'Rephrase Prompt',
      optional: true,
      additionalParams: true,
      rows: 4,
      default: DEFAULT_REPHRASE_PROMPT,
      description: 'Makes a follow-up question standalone; must use {chat_history} and {question}',
    },
    {
      name: 'responsePrompt',
      kind: 'param',
      type: 'string',
      label: 'Response Prompt',
      optional: true,
      additionalParams: true,
      rows: 4,
      default: DEFAULT_RESPONSE_PROMPT,
      description: 'The system message of the answer; must use {context}',
    },
    INPUT_MODERATION_INPUT,
    { name: 'systemMessagePrompt', kind: 'param', type: 'string', label: 'System Message', optional: true, hidden: true, description: 'Deprecated' },
  ],
  async build(ctx) {
    const { memory } = ctx.inputs;
    if (memory !== undefined && memory !== '' && !isMemoryInstance(memory)) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (conversationalRetrievalQAChain): input "memory" is not a memory`, ctx.nodeId);
    }
    const legacySystem = asString(ctx.inputs.systemMessagePrompt);
    const response = legacySystem ? `${legacySystem}\n${LEGACY_QA_PROMPT}` : (asString(ctx.inputs.responsePrompt) ?? DEFAULT_RESPONSE_PROMPT);
    const chain: ChainInstance = {
      invokeChain: (question, run) => answer(chain, { ...run, question, streaming: false }),
      nodeId: ctx.nodeId,
      moderations: ctx.inputs.inputModeration,
      model: ctx.inputs.model as BaseChatModel,
      retriever: asRetriever(ctx.inputs.vectorStoreRetriever, ctx.nodeId, 'vectorStoreRetriever'),
      ...(isMemoryInstance(memory) ? { memory } : {}),
      returnSourceDocuments: asBoolean(ctx.inputs.returnSourceDocuments) === true,
      rephrase: parseTemplate(asString(ctx.inputs.rephrasePrompt) ?? DEFAULT_REPHRASE_PROMPT),
      response: parseTemplate(response),
    };
    return chain;
  },
  run: (instance, ctx) => answer(instance as ChainInstance, ctx),
};

/** Rephrase (when there is history), retrieve, answer; sources streamed after the tokens when asked. */
async function answer(chain: ChainInstance, run: RunContext): Promise<FlowResult> {
  // Moderators run first; one may also rewrite the question the chain then uses.
  const moderated = await checkInputModeration(chain.moderations, run.question, run);
  if (moderated.rejected) return { text: moderated.message };
  const ctx = moderated.question === run.question ? run : { ...run, question: moderated.question };
  const { HumanMessage, SystemMessage } = await messageClasses();
  const turns = await loadTurns(chain, ctx);
  const history = historyText(turns);
  // The first question needs no rephrasing: there is nothing it could refer back to.
  let query = ctx.question;
  if (turns.length > 0) {
    const prompt = renderTemplate(chain.rephrase, { chat_history: history, question: ctx.question });
    query = await callChatModel(chain.model, [new HumanMessage(prompt)], ctx, false);
  }
  const docs = await retrieve(chain.retriever, query, ctx, chain.nodeId);
  const context = formatContext(docs.map((d) => d.pageContent));
  const messages: BaseMessage[] = [
    new SystemMessage(renderTemplate(chain.response, { context, question: ctx.question, chat_history: history })),
    ...(await turnsToMessages(turns)),
    new HumanMessage(ctx.question),
  ];
  const text = await callChatModel(chain.model, messages, ctx, ctx.streaming);
  if (!chain.returnSourceDocuments) return { text };
  const sourceDocuments = toSourceDocuments(docs);
  emitSourceDocuments(ctx, sourceDocuments);
  return { text, sourceDocuments };
}
