import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { FlowResult } from '../../events/run-event.js';
import { messageClasses } from '../../prompts/messages.js';
import { callChatModel } from '../../run/call-model.js';
import type { NodeDefinition } from '../node-definition.js';
import { type RetrieverLike, asRetriever, retrieve } from './retrieval.js';

/** The system message of LangChain's chat QA prompt, in our words; the documents follow it. */
export const RETRIEVAL_QA_SYSTEM = `Answer the user's question from the pieces of context below.
If the answer is not in them, say that you don't know rather than making one up.
----------------
`;

interface QaInstance {
  nodeId: string;
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
    {
      name: 'inputModeration',
      kind: 'anchor',
      type: 'Moderation',
      label: 'Input Moderation',
      optional: true,
      list: true,
      description: 'Checks the question before the model sees it',
    },
  ],
  async build(ctx) {
    const chain: QaInstance = {
      nodeId: ctx.nodeId,
      model: ctx.inputs.model as BaseChatModel,
      retriever: asRetriever(ctx.inputs.vectorStoreRetriever, ctx.nodeId, 'vectorStoreRetriever'),
    };
    return chain;
  },
  async run(instance, ctx): Promise<FlowResult> {
    const chain = instance as QaInstance;
    const docs = await retrieve(chain.retriever, ctx.question, ctx, chain.nodeId);
    const { HumanMessage, SystemMessage } = await messageClasses();
    const context = docs.map((d) => d.pageContent).join('\n\n');
    const text = await callChatModel(chain.model, [new SystemMessage(RETRIEVAL_QA_SYSTEM + context), new HumanMessage(ctx.question)], ctx, ctx.streaming);
    return { text };
  },
};
