import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { FlowValidationError } from '../errors.js';
import { imageParts, withImagesOnLastMessage } from '../files/uploads.js';
import type { FlowResult } from '../events/run-event.js';
import { fillPromptVariables } from '../prompts/fill-variables.js';
import { promptToMessages } from '../prompts/messages.js';
import { callChatModel } from '../run/call-model.js';
import type { NodeDefinition, RunContext } from './node-definition.js';
import { isPromptInstance, type PromptInstance } from './prompt-instances.js';

interface LlmChainInstance {
  kind: 'llmChain';
  nodeId: string;
  model: BaseChatModel;
  prompt: PromptInstance;
}

async function runChain(chain: LlmChainInstance, ctx: RunContext, stream: boolean): Promise<string> {
  const values = fillPromptVariables(chain.prompt, ctx.question, chain.nodeId);
  // Uploaded images go before the text of the prompt's human message (Flowise's LLMChain).
  const messages = await withImagesOnLastMessage(await promptToMessages(chain.prompt, values), await imageParts(chain.model, ctx));
  return callChatModel(chain.model, messages, ctx, stream);
}

export const llmChain: NodeDefinition = {
  name: 'llmChain',
  label: 'LLM Chain',
  version: 3,
  type: 'LLMChain',
  description: 'Fills a prompt and sends it to a model; ends the flow, or passes its answer to another prompt.',
  icon: 'chain',
  category: 'Chains',
  baseClasses: ['LLMChain', 'BaseChain', 'Runnable'],
  passesImages: true,
  inputs: [
    { name: 'model', kind: 'anchor', type: 'BaseLanguageModel', label: 'Language Model' },
    { name: 'prompt', kind: 'anchor', type: 'BasePromptTemplate', label: 'Prompt' },
    { name: 'outputParser', kind: 'anchor', type: 'BaseLLMOutputParser', label: 'Output Parser', optional: true },
    {
      name: 'inputModeration',
      kind: 'anchor',
      type: 'Moderation',
      label: 'Input Moderation',
      optional: true,
      list: true,
      description: 'Checks the question before the model sees it',
    },
    { name: 'chainName', kind: 'param', type: 'string', label: 'Chain Name', optional: true, placeholder: 'Name Your Chain' },
  ],
  outputs: [
    { label: 'LLM Chain', name: 'llmChain', baseClasses: ['LLMChain', 'BaseChain', 'Runnable'] },
    {
      label: 'Output Prediction',
      name: 'outputPrediction',
      baseClasses: ['string', 'json'],
      description: "The chain's answer, for another prompt's values",
    },
  ],
  async build(ctx) {
    const { model, prompt } = ctx.inputs;
    if (!isPromptInstance(prompt)) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (llmChain): input "prompt" is not a prompt template`, ctx.nodeId);
    }
    const chain: LlmChainInstance = { kind: 'llmChain', nodeId: ctx.nodeId, model: model as BaseChatModel, prompt };
    // outputPrediction: the chain runs now, without streaming, and its text becomes the instance.
    if (ctx.outputs.output === 'outputPrediction') return runChain(chain, ctx.run, false);
    return chain;
  },
  async run(instance, ctx): Promise<FlowResult> {
    return { text: await runChain(instance as LlmChainInstance, ctx, ctx.streaming) };
  },
};
