import type { AzureChatOpenAI } from '@langchain/openai';
import { FlowValidationError } from '../errors.js';
import { applyReasoning, isReasoningModel } from './chat-openai.js';
import { CHAT_MODEL_BASE_CLASSES, OPENAI_STYLE_NUMBER_INPUTS, chatModelInputs, credentialField, extraNumber, reasoningInputs } from './chat-model-inputs.js';
import { asJsonObject, asNumber, asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { CLIENT_RETRIES } from '../run/llm-retry.js';
import { lazyOfflineModel } from './offline-token-count.js';

type AzureFields = ConstructorParameters<typeof AzureChatOpenAI>[0] & {};

const offlineAzureChatOpenAI = lazyOfflineModel<new (fields: AzureFields) => AzureChatOpenAI>(async () => (await import('@langchain/openai')).AzureChatOpenAI);

/** The four fields of an azureOpenAIApi credential (inputs may override each, as in Flowise). */
const AZURE_FIELDS = ['azureOpenAIApiKey', 'azureOpenAIApiInstanceName', 'azureOpenAIApiDeploymentName', 'azureOpenAIApiVersion'] as const;

export const azureChatOpenAI: NodeDefinition = {
  name: 'azureChatOpenAI',
  label: 'Azure OpenAI',
  version: 7.1,
  type: 'AzureChatOpenAI',
  description: 'OpenAI chat models deployed on Azure: the credential names the resource, deployment and API version.',
  icon: 'azure',
  category: 'Chat Models',
  baseClasses: ['AzureChatOpenAI', ...CHAT_MODEL_BASE_CLASSES],
  credential: { names: ['azureOpenAIApi'], fields: [...AZURE_FIELDS], optional: false },
  streamCapable: true,
  reusable: true,
  inputs: [
    ...chatModelInputs({ placeholder: 'gpt-4o-mini', optional: false }),
    extraNumber('maxTokens', 'Max Tokens', 'Longest answer, in tokens'),
    ...reasoningInputs('low', 'medium', 'high'),
    ...OPENAI_STYLE_NUMBER_INPUTS,
    {
      name: 'basepath',
      kind: 'param',
      type: 'string',
      label: 'Base Path',
      optional: true,
      additionalParams: true,
      placeholder: 'https://YOUR-INSTANCE.openai.azure.com/openai/deployments',
      description: 'Replaces the URL made from the instance name; the deployment and /chat/completions follow it',
    },
    { name: 'baseOptions', kind: 'param', type: 'json', label: 'Base Options', optional: true, additionalParams: true, description: 'Extra HTTP headers sent with every call, as a JSON object' },
  ],
  async build(ctx) {
    const { inputs } = ctx;
    const [apiKey, instance, deployment, apiVersion] = AZURE_FIELDS.map((field) => credentialField(ctx, field));
    const basePath = asString(inputs.basepath);
    if (!apiKey || !deployment || !apiVersion || (!instance && !basePath)) {
      throw new FlowValidationError(
        `Node ${ctx.nodeId} (azureChatOpenAI): the azureOpenAIApi credential needs a key, a deployment name, an API version and an instance name (or the node a Base Path)`,
        ctx.nodeId,
      );
    }
    const model = asString(inputs.modelName) ?? deployment;
    const fields: AzureFields = {
      model,
      azureOpenAIApiKey: apiKey,
      azureOpenAIApiDeploymentName: deployment,
      azureOpenAIApiVersion: apiVersion,
      ...(instance ? { azureOpenAIApiInstanceName: instance } : {}),
      ...(basePath ? { azureOpenAIBasePath: basePath.replace(/\/+$/, '') } : {}),
      maxRetries: CLIENT_RETRIES,
    };
    try {
      // Flowise logs invalid base options and goes on; we refuse them so the mistake is seen.
      const headers = asJsonObject(inputs.baseOptions, 'baseOptions');
      if (headers) fields.configuration = { defaultHeaders: headers as Record<string, string> };
    } catch (error) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (azureChatOpenAI): ${(error as Error).message}`, ctx.nodeId);
    }
    const reasoning = isReasoningModel(model);
    const temperature = asNumber(inputs.temperature);
    if (temperature !== undefined && !reasoning) fields.temperature = temperature;
    const maxTokens = asNumber(inputs.maxTokens);
    if (maxTokens !== undefined) fields.maxCompletionTokens = maxTokens;
    for (const name of ['topP', 'frequencyPenalty', 'presencePenalty', 'timeout'] as const) {
      const value = asNumber(inputs[name]);
      if (value !== undefined) fields[name] = value;
    }
    if (reasoning) applyReasoning(fields, inputs);
    return new (await offlineAzureChatOpenAI())(fields);
  },
};
