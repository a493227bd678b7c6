import { FlowValidationError } from '../../errors.js';
import { onFailedLlmAttempt } from '../../run/llm-retry.js';
import { registerEmbedder } from '../../vectors/embedder.js';
import { credentialField } from '../chat-model-inputs.js';
import { asBoolean, asNumber, asString } from '../input-values.js';
import type { NodeDefinition } from '../node-definition.js';
import { strictBatchEmbeddings } from './google-batch-embeddings.js';
import { EMBEDDINGS_BASE_CLASSES } from './openai-embeddings.js';

export const ollamaEmbedding: NodeDefinition = {
  name: 'ollamaEmbedding',
  label: 'Ollama Embedding',
  version: 2,
  type: 'OllamaEmbeddings',
  description: 'Embeddings from a model served by Ollama.',
  icon: 'ollama',
  category: 'Embeddings',
  baseClasses: ['OllamaEmbeddings', ...EMBEDDINGS_BASE_CLASSES],
  reusable: true,
  inputs: [
    { name: 'baseUrl', kind: 'param', type: 'string', label: 'Base URL', default: 'http://localhost:11434' },
    { name: 'modelName', kind: 'param', type: 'string', label: 'Model Name', placeholder: 'nomic-embed-text' },
    { name: 'numGpu', kind: 'param', type: 'number', label: 'Number of GPU', optional: true, additionalParams: true, step: 1, description: 'Layers to put on the GPU(s)' },
    { name: 'numThread', kind: 'param', type: 'number', label: 'Number of Thread', optional: true, additionalParams: true, step: 1, description: 'CPU threads Ollama computes with' },
    { name: 'useMMap', kind: 'param', type: 'boolean', label: 'Use MMap', optional: true, additionalParams: true, default: true },
  ],
  async build(ctx) {
    const baseUrl = asString(ctx.inputs.baseUrl) ?? 'http://localhost:11434';
    const model = asString(ctx.inputs.modelName);
    if (!model) throw new FlowValidationError(`Node ${ctx.nodeId} (ollamaEmbedding): missing required input "modelName"`, ctx.nodeId);
    const numGpu = asNumber(ctx.inputs.numGpu);
    const numThread = asNumber(ctx.inputs.numThread);
    const { OllamaEmbeddings } = await import('@langchain/ollama');
    const embeddings = new OllamaEmbeddings({
      model,
      baseUrl,
      maxRetries: ctx.run.services.llm.maxRetries,
      onFailedAttempt: onFailedLlmAttempt,
      requestOptions: {
        useMmap: asBoolean(ctx.inputs.useMMap) ?? true,
        ...(numGpu !== undefined ? { numGpu } : {}),
        ...(numThread !== undefined ? { numThread } : {}),
      },
    });
    return registerEmbedder(embeddings, `ollama|${baseUrl}|${model}`);
  },
};

const TASK_TYPES = ['TASK_TYPE_UNSPECIFIED', 'RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY', 'CLASSIFICATION', 'CLUSTERING'];

export const googleGenerativeAiEmbeddings: NodeDefinition = {
  name: 'googleGenerativeAiEmbeddings',
  label: 'Google Gemini Embedding',
  version: 2,
  type: 'GoogleGenerativeAiEmbeddings',
  description: 'Embeddings from the Google Gemini API.',
  icon: 'google-gemini',
  category: 'Embeddings',
  baseClasses: ['GoogleGenerativeAiEmbeddings', 'GoogleGenerativeAIEmbeddings', ...EMBEDDINGS_BASE_CLASSES],
  credential: { names: ['googleGenerativeAI'], fields: ['googleGenerativeAPIKey'], optional: false },
  reusable: true,
  inputs: [
    { name: 'modelName', kind: 'param', type: 'string', label: 'Model Name', default: 'gemini-embedding-001', optional: true },
    {
      name: 'tasktype',
      kind: 'param',
      type: 'options',
      label: 'Task Type',
      default: 'TASK_TYPE_UNSPECIFIED',
      optional: true,
      description: 'What the embeddings will be used for',
      options: TASK_TYPES.map((name) => ({ label: name, name })),
    },
    {
      name: 'stripNewLines',
      kind: 'param',
      type: 'boolean',
      label: 'Strip New Lines',
      optional: true,
      additionalParams: true,
      description: 'Replace newlines with spaces before embedding',
    },
    {
      name: 'baseUrl',
      kind: 'param',
      type: 'string',
      label: 'Base URL',
      optional: true,
      additionalParams: true,
      placeholder: 'https://generativelanguage.googleapis.com',
      description: 'A gateway in front of the Gemini API (an aimicromind addition)',
    },
  ],
  async build(ctx) {
    const apiKey = credentialField(ctx, 'googleGenerativeAPIKey');
    if (!apiKey) {
      throw new FlowValidationError(
        `Node ${ctx.nodeId} (googleGenerativeAiEmbeddings): no API key; create a googleGenerativeAI credential and set the node's data.credential to its id`,
        ctx.nodeId,
      );
    }
    const model = asString(ctx.inputs.modelName) ?? 'gemini-embedding-001';
    const taskType = asString(ctx.inputs.tasktype) ?? 'TASK_TYPE_UNSPECIFIED';
    const baseUrl = asString(ctx.inputs.baseUrl);
    const { GoogleGenerativeAIEmbeddings } = await import('@langchain/google-genai');
    const Strict = strictBatchEmbeddings(GoogleGenerativeAIEmbeddings);
    const embeddings = new Strict({
      apiKey,
      model,
      taskType: (TASK_TYPES.includes(taskType) ? taskType : 'TASK_TYPE_UNSPECIFIED') as never,
      maxRetries: ctx.run.services.llm.maxRetries,
      onFailedAttempt: onFailedLlmAttempt,
      ...(baseUrl ? { baseUrl } : {}),
    });
    // Flowise keeps newlines unless asked; LangChain strips them always (its constructor ignores the option).
    embeddings.stripNewLines = asBoolean(ctx.inputs.stripNewLines) === true;
    return registerEmbedder(embeddings, `google|${baseUrl ?? 'default'}|${model}|${taskType}`);
  },
};
