import type { ClientOptions } from '@langchain/openai';
import { FlowValidationError } from '../../errors.js';
import { onFailedLlmAttempt } from '../../run/llm-retry.js';
import { registerEmbedder } from '../../vectors/embedder.js';
import { credentialField } from '../chat-model-inputs.js';
import { asBoolean, asJsonObject, asNumber, asString } from '../input-values.js';
import type { BuildContext, InputSpec, NodeDefinition } from '../node-definition.js';

export const EMBEDDINGS_BASE_CLASSES = ['Embeddings'];

const extra = (spec: Omit<InputSpec, 'kind' | 'optional' | 'additionalParams'>): InputSpec => ({
  kind: 'param',
  optional: true,
  additionalParams: true,
  ...spec,
});

export const BATCH_SIZE = extra({ name: 'batchSize', type: 'number', label: 'Batch Size', step: 1, description: 'Texts sent in one request' });
export const TIMEOUT = extra({ name: 'timeout', type: 'number', label: 'Timeout', step: 1, description: 'Milliseconds before a request is given up' });
const BASE_PATH = extra({
  name: 'basepath',
  type: 'string',
  label: 'Base Path',
  placeholder: 'https://api.openai.com/v1',
  description: 'Base URL of an OpenAI-compatible server',
});
const BASE_OPTIONS = extra({ name: 'baseOptions', type: 'json', label: 'Base Options', description: 'Extra HTTP headers sent with every request, as a JSON object' });

function headersOf(ctx: BuildContext, lenient: boolean): Record<string, string> | undefined {
  try {
    return asJsonObject(ctx.inputs.baseOptions, 'baseOptions') as Record<string, string> | undefined;
  } catch (error) {
    // Flowise rejects bad JSON here for OpenAI and ignores it for Azure.
    if (lenient) return undefined;
    throw new FlowValidationError(`Node ${ctx.nodeId}: ${(error as Error).message}`, ctx.nodeId);
  }
}

const intOf = (value: unknown) => {
  const n = asNumber(value);
  return n === undefined ? undefined : Math.trunc(n);
};

/** batchSize, timeout and retries, as both OpenAI nodes pass them. */
function commonFields(ctx: BuildContext) {
  const batchSize = intOf(ctx.inputs.batchSize);
  const timeout = intOf(ctx.inputs.timeout);
  return {
    maxRetries: ctx.run.services.llm.maxRetries,
    onFailedAttempt: onFailedLlmAttempt,
    ...(batchSize !== undefined && batchSize > 0 ? { batchSize } : {}),
    ...(timeout !== undefined && timeout > 0 ? { timeout } : {}),
  };
}

export const openAIEmbeddings: NodeDefinition = {
  name: 'openAIEmbeddings',
  label: 'OpenAI Embedding',
  version: 4,
  type: 'OpenAIEmbeddings',
  description: 'Embeddings from OpenAI, or from any server that speaks the OpenAI embeddings API (set Base Path).',
  icon: 'openai',
  category: 'Embeddings',
  baseClasses: ['OpenAIEmbeddings', ...EMBEDDINGS_BASE_CLASSES],
  credential: { names: ['openAIApi'], fields: ['openAIApiKey'], optional: false },
  reusable: true,
  inputs: [
    { name: 'modelName', kind: 'param', type: 'string', label: 'Model Name', default: 'text-embedding-ada-002', optional: true },
    extra({ name: 'stripNewLines', type: 'boolean', label: 'Strip New Lines', description: 'Replace newlines with spaces before embedding' }),
    BATCH_SIZE,
    TIMEOUT,
    BASE_PATH,
    BASE_OPTIONS,
    extra({ name: 'dimensions', type: 'number', label: 'Dimensions', step: 1, description: 'Shorter vectors (text-embedding-3 models)' }),
    extra({
      name: 'encodingFormat',
      type: 'options',
      label: 'Encoding Format',
      options: [
        { label: 'float', name: 'float' },
        { label: 'base64', name: 'base64' },
      ],
    }),
  ],
  async build(ctx) {
    const apiKey = credentialField(ctx, 'openAIApiKey');
    if (!apiKey) {
      throw new FlowValidationError(
        `Node ${ctx.nodeId} (openAIEmbeddings): no OpenAI API key; create an openAIApi credential and set the node's data.credential to its id`,
        ctx.nodeId,
      );
    }
    const model = asString(ctx.inputs.modelName) ?? 'text-embedding-ada-002';
    const baseURL = asString(ctx.inputs.basepath);
    const headers = headersOf(ctx, false);
    const dimensions = intOf(ctx.inputs.dimensions);
    const encodingFormat = asString(ctx.inputs.encodingFormat);
    const configuration: ClientOptions = { ...(baseURL ? { baseURL } : {}), ...(headers ? { defaultHeaders: headers } : {}) };
    const { OpenAIEmbeddings } = await import('@langchain/openai');
    const embeddings = new OpenAIEmbeddings({
      apiKey,
      model,
      ...commonFields(ctx),
      ...(asBoolean(ctx.inputs.stripNewLines) ? { stripNewLines: true } : {}),
      ...(dimensions !== undefined && dimensions > 0 ? { dimensions } : {}),
      ...(encodingFormat === 'float' || encodingFormat === 'base64' ? { encodingFormat } : {}),
      configuration,
    });
    return registerEmbedder(embeddings, `openai|${baseURL ?? 'https://api.openai.com/v1'}|${model}|${dimensions ?? ''}`);
  },
};

export const azureOpenAIEmbeddings: NodeDefinition = {
  name: 'azureOpenAIEmbeddings',
  label: 'Azure OpenAI Embedding',
  version: 2,
  type: 'AzureOpenAIEmbeddings',
  description: 'Embeddings from an Azure OpenAI deployment (instance, deployment and API version come from the credential).',
  icon: 'azure',
  category: 'Embeddings',
  baseClasses: ['AzureOpenAIEmbeddings', 'OpenAIEmbeddings', ...EMBEDDINGS_BASE_CLASSES],
  credential: {
    names: ['azureOpenAIApi'],
    fields: ['azureOpenAIApiKey', 'azureOpenAIApiInstanceName', 'azureOpenAIApiDeploymentName', 'azureOpenAIApiVersion'],
    optional: false,
  },
  reusable: true,
  inputs: [{ ...BATCH_SIZE, default: '100' }, TIMEOUT, { ...BASE_PATH, placeholder: 'https://<instance>.openai.azure.com/openai/deployments', description: 'Azure base path; the deployment name is appended' }, BASE_OPTIONS],
  async build(ctx) {
    const field = (name: string) => credentialField(ctx, name);
    const apiKey = field('azureOpenAIApiKey');
    const deployment = field('azureOpenAIApiDeploymentName');
    const version = field('azureOpenAIApiVersion');
    const instance = field('azureOpenAIApiInstanceName');
    const basePath = asString(ctx.inputs.basepath);
    if (!apiKey || !deployment || !version || (!instance && !basePath)) {
      throw new FlowValidationError(
        `Node ${ctx.nodeId} (azureOpenAIEmbeddings): the azureOpenAIApi credential needs the API key, deployment name, API version and instance name (or set Base Path)`,
        ctx.nodeId,
      );
    }
    const headers = headersOf(ctx, true);
    const { AzureOpenAIEmbeddings } = await import('@langchain/openai');
    const embeddings = new AzureOpenAIEmbeddings({
      azureOpenAIApiKey: apiKey,
      azureOpenAIApiDeploymentName: deployment,
      azureOpenAIApiVersion: version,
      ...(instance ? { azureOpenAIApiInstanceName: instance } : {}),
      ...(basePath ? { azureOpenAIBasePath: basePath } : {}),
      ...commonFields(ctx),
      ...(headers ? { configuration: { defaultHeaders: headers } } : {}),
    });
    return registerEmbedder(embeddings, `azure|${basePath ?? instance}|${deployment}|${version}`);
  },
};

/**
 * Flowise `localAIEmbeddings` (v1, the "Local QnA" template): a LocalAI (or any OpenAI-compatible)
 * server's embeddings at `basePath`; the localAIApi credential's key when one is bound, else none.
 */
export const localAIEmbeddings: NodeDefinition = {
  name: 'localAIEmbeddings',
  label: 'LocalAI Embeddings',
  version: 1,
  type: 'LocalAI Embeddings',
  description: 'Embeddings from a LocalAI server (or any server that speaks the OpenAI embeddings API).',
  category: 'Embeddings',
  baseClasses: ['LocalAI Embeddings', 'OpenAIEmbeddings', ...EMBEDDINGS_BASE_CLASSES],
  credential: { names: ['localAIApi'], fields: ['localAIApiKey'], optional: true },
  reusable: true,
  inputs: [
    { name: 'basePath', kind: 'param', type: 'string', label: 'Base Path', placeholder: 'http://localhost:8080/v1' },
    { name: 'modelName', kind: 'param', type: 'string', label: 'Model Name', placeholder: 'text-embedding-ada-002' },
  ],
  async build(ctx) {
    const baseURL = asString(ctx.inputs.basePath);
    const model = asString(ctx.inputs.modelName);
    if (!baseURL) throw new FlowValidationError(`Node ${ctx.nodeId} (localAIEmbeddings): missing required input "basePath"`, ctx.nodeId);
    if (!model) throw new FlowValidationError(`Node ${ctx.nodeId} (localAIEmbeddings): missing required input "modelName"`, ctx.nodeId);
    const { OpenAIEmbeddings } = await import('@langchain/openai');
    // LocalAI needs no key; the client wants one, so a placeholder goes when no credential gives one.
    const apiKey = credentialField(ctx, 'localAIApiKey') || 'sk-';
    const embeddings = new OpenAIEmbeddings({ apiKey, model, maxRetries: ctx.run.services.llm.maxRetries, configuration: { baseURL } });
    return registerEmbedder(embeddings, `localai|${baseURL}|${model}`);
  },
};
