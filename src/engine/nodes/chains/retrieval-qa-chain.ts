import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { FlowResult } from '../../events/run-event.js';
import { checkInputModeration } from '../../moderation/check-input-moderation.js';
import { INPUT_MODERATION_INPUT } from '../shared-inputs.js';
import { messageClasses } from '../../prompts/messages.js';
import { callChatModel } from '../../run/call-model.js';
import type { NodeDefinition, RunContext } from '../node-definition.js';
import { type RetrieverLike, asRetriever, retrieve } from './retrieval.js';

/** The system message of LangChain's chat QA prompt, in our words; the documents follow it. */
export const RETRIEVAL_QA_SYSTEM = `Answer the user's question from the pieces of context below.
If the answer is not in them, say that you don't know rather than making one up.
----------------
`;

interface QaInstance {
  /** Runs with any question, never streaming (chainTool's InvokableChain). */
  invokeChain(question: string, ctx: RunContext): Promise<FlowResult>;
  nodeId: string;
  /** The resolved `inputModeration` list; a refusal is the answer. */
  moderations: unknown;
  model: BaseChatModel;
  retriever: RetrieverLike;
}

/**
 * Flowise `retrievalQAChain` (LangChain's RetrievalQAChain.fromLLM with the "stuff" documents chain):
 * retrieve for the question, put every document into the prompt, answer. No memory.
 */
export const retrievalQAChain: NodeDefinition = {
  name: 'retrievalQAChain',
  label: 'Retrieval QA Chain',
  version: 2,
  type: 'RetrievalQAChain',
  description: 'Answers a question from the documents a retriever finds for it (no conversation memory).',
  icon: 'retrieval-qa',
  category: 'Chains',
  baseClasses: ['RetrievalQAChain', 'BaseChain', 'Runnable'],
  inputs: [
    { name: 'model', kind: 'anchor', type: 'BaseLanguageModel', label: 'Language Model' },
    { name: 'vectorStoreRetriever', kind: 'anchor', type: 'BaseRetriever', label: 'Vector Store Retriever' },
    INPUT_MODERATION_INPUT,
  ],
  async build(ctx) {
    const chain: QaInstance = {
      invokeChain: (question, run) => answer(chain, { ...run, question, streaming: false }),
      nodeId: ctx.nodeId,
      moderations: ctx.inputs.inputModeration,
      model: ctx.inputs.model as BaseChatModel,
      retriever: asRetriever(ctx.inputs.vectorStoreRetriever, ctx.nodeId, 'vectorStoreRetriever'),
    };
    return chain;
  },
  run: (instance, ctx) => answer(instance as QaInstance, ctx),
};

async function answer(chain: QaInstance, run: RunContext): Promise<FlowResult> {
  const moderated = await checkInputModeration(chain.moderations, run.question, run);
  if (moderated.rejected) return { text: moderated.message };
  const ctx = moderated.question === run.question ? run : { ...run, question: moderated.question };
  const docs = await retrieve(chain.retriever, ctx.question, ctx, chain.nodeId);
  const { HumanMessage, SystemMessage } = await messageClasses();
  const context = docs.map((d) => d.pageContent).join('\n\n');
  const text = await callChatModel(chain.model, [new SystemMessage(RETRIEVAL_QA_SYSTEM + context), new HumanMessage(ctx.question)], ctx, ctx.streaming);
  return { text };
}
