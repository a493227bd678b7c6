import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { FlowValidationError } from '../errors.js';
import { humanMessageWithImages, imageParts } from '../files/uploads.js';
import type { FlowResult } from '../events/run-event.js';
import { checkInputModeration } from '../moderation/check-input-moderation.js';
import { type ConversationPrompt, conversationPrompt, memoryMessages, renderConversation } from '../prompts/conversation-prompt.js';
import { messageClasses } from '../prompts/messages.js';
import { callChatModel } from '../run/call-model.js';
import { asString } from './input-values.js';
import { isMemoryInstance, type MemoryInstance } from './memory-instance.js';
import type { NodeDefinition, RunContext } from './node-definition.js';
import { CHAT_PROMPT_TEMPLATE_INPUT, INPUT_MODERATION_INPUT, systemMessageInput } from './shared-inputs.js';

export const DEFAULT_CONVERSATION_SYSTEM_MESSAGE =
  'The following is a friendly conversation between a human and an AI. The AI is talkative and provides lots of specific details from its context. If the AI does not know the answer to a question, it truthfully says it does not know.';

interface ConversationChainInstance {
  kind: 'conversationChain';
  nodeId: string;
  model: BaseChatModel;
  memory: MemoryInstance;
  prompt: ConversationPrompt;
  moderations: unknown[];
  /** chainTool: runs the chain with another question, without streaming. */
  invokeChain(question: string, ctx: RunContext): Promise<FlowResult>;
}

/** LangChain's ChatOpenAI (not its Azure subclass), which Flowise's ConversationChain treats apart. */
const isOpenAiChatModel = (model: BaseChatModel) => model._llmType() === 'openai';

async function runConversation(chain: ConversationChainInstance, question: string, ctx: RunContext, stream: boolean): Promise<FlowResult> {
  const moderated = await checkInputModeration(chain.moderations, question, { ...ctx, streaming: stream });
  if (moderated.rejected) return { text: moderated.message };
  const history = await memoryMessages(chain.memory, ctx, chain.model);
  const messages = await renderConversation(chain.prompt, history, moderated.question);
  const images = await imageParts(chain.model, ctx);
  if (images.length > 0) {
    const human = messages.pop()!;
    // Flowise sends OpenAI the images as a message of their own after the question; other models get
    // them in the question's message, after its text.
    if (isOpenAiChatModel(chain.model)) messages.push(human, new (await messageClasses()).HumanMessage({ content: images }));
    else messages.push(await humanMessageWithImages(String(human.content), images, 'text-first'));
  }
  return { text: await callChatModel(chain.model, messages, ctx, stream) };
}

export const conversationChain: NodeDefinition = {
  name: 'conversationChain',
  label: 'Conversation Chain',
  version: 3,
  type: 'ConversationChain',
  description: 'A chat with memory: the system message, the conversation so far and the question go to a chat model.',
  icon: 'chain',
  category: 'Chains',
  baseClasses: ['ConversationChain', 'LLMChain', 'BaseChain', 'Runnable'],
  passesImages: true,
  inputs: [
    { name: 'model', kind: 'anchor', type: 'BaseChatModel', label: 'Chat Model' },
    { name: 'memory', kind: 'anchor', type: 'BaseMemory', label: 'Memory' },
    CHAT_PROMPT_TEMPLATE_INPUT,
    INPUT_MODERATION_INPUT,
    systemMessageInput('systemMessagePrompt', DEFAULT_CONVERSATION_SYSTEM_MESSAGE),
  ],
  async build(ctx) {
    const { model, memory, chatPromptTemplate } = ctx.inputs;
    if (!isMemoryInstance(memory)) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (conversationChain): input "memory" is not a memory`, ctx.nodeId);
    }
    const system = asString(ctx.inputs.systemMessagePrompt) ?? DEFAULT_CONVERSATION_SYSTEM_MESSAGE;
    const chain: ConversationChainInstance = {
      kind: 'conversationChain',
      nodeId: ctx.nodeId,
      model: model as BaseChatModel,
      memory,
      prompt: conversationPrompt(ctx.nodeId, 'conversationChain', system, chatPromptTemplate),
      moderations: (ctx.inputs.inputModeration as unknown[] | undefined) ?? [],
      invokeChain: (question, run) => runConversation(chain, question, run, false),
    };
    return chain;
  },
  async run(instance, ctx): Promise<FlowResult> {
    return runConversation(instance as ConversationChainInstance, ctx.question, ctx, ctx.streaming);
  },
};
