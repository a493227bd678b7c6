import { jsonrepair } from 'jsonrepair';
import { FlowValidationError } from '../errors.js';
import { TOOL_BASE_CLASSES } from '../tools/agent-tool.js';
import type { ParamSpec, RequestToolFields } from '../tools/request-tools.js';
import { asNumber, asString } from './input-values.js';
import type { BuildContext, InputSpec, NodeDefinition } from './node-definition.js';

/** Loaded with the first run that builds one (LangChain stays out of start-up). */
const requestTools = () => import('../tools/request-tools.js');

const GET_DESCRIPTION = 'Use this to read data from a web address with an HTTP GET request.';
const POST_DESCRIPTION = 'Use this to create or update something at a web address with an HTTP POST request (JSON body).';

/** The editor stores these inputs as rich text; a pasted URL may arrive wrapped in tags or with entities. */
export function stripHtml(text: string): string {
  if (!/[<&]/.test(text)) return text.trim();
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .trim();
}

/** A JSON object input (headers, body, schemas), read leniently as Flowise does (single quotes, trailing commas). */
function jsonObject(value: unknown, what: string, nodeId: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value !== 'string') throw new FlowValidationError(`Node ${nodeId}: ${what} must be a JSON object`, nodeId);
  const text = stripHtml(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      parsed = JSON.parse(jsonrepair(text));
    } catch {
      throw new FlowValidationError(`Node ${nodeId}: ${what} is not valid JSON`, nodeId);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FlowValidationError(`Node ${nodeId}: ${what} must be a JSON object`, nodeId);
  }
  return parsed as Record<string, unknown>;
}

/** Flowise's tool-name rule: lower case, spaces to `_`, anything but a-z 0-9 _ - dropped. */
const toolName = (text: string | undefined, fallback: string) =>
  text
    ? text
        .toLowerCase()
        .replace(/ /g, '_')
        .replace(/[^a-z0-9_-]/g, '') || fallback
    : fallback;

/** Fields both tools share; v1 flows used the unprefixed input names (`url`, `headers`, …), still read. */
function commonFields(ctx: BuildContext, prefix: 'requestsGet' | 'requestsPost', fallbackName: string, fallbackDescription: string): RequestToolFields {
  const { inputs, nodeId, run } = ctx;
  const url = asString(inputs.url) ?? asString(inputs[`${prefix}Url`]);
  if (!url) throw new FlowValidationError(`Node ${nodeId} (${prefix}): missing required input "${prefix}Url"`, nodeId);
  if (!run.services.outbound) throw new FlowValidationError(`Node ${nodeId} (${prefix}): this process makes no outbound requests`, nodeId);
  const headers = jsonObject(inputs.headers ?? inputs[`${prefix}Headers`], 'Headers', nodeId) ?? {};
  const max = asNumber(inputs.maxOutputLength) ?? asNumber(inputs[`${prefix}MaxOutputLength`]);
  return {
    name: toolName(asString(inputs.name) ?? asString(inputs[`${prefix}Name`]), fallbackName),
    description: asString(inputs.description) ?? asString(inputs[`${prefix}Description`]) ?? fallbackDescription,
    url: stripHtml(url),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    maxOutputLength: max !== undefined && max > 0 ? Math.floor(max) : Infinity,
    outbound: run.services.outbound,
    signal: run.signal,
  };
}

const paramSpecs = (value: unknown, what: string, nodeId: string) => jsonObject(value, what, nodeId) as Record<string, ParamSpec> | undefined;

function commonInputs(prefix: 'requestsGet' | 'requestsPost', name: string, description: string): InputSpec[] {
  return [
    { name: `${prefix}Url`, kind: 'param', type: 'string', label: 'URL', acceptVariable: true, description: 'Reached through the outbound policy (HTTP_ALLOW_LIST)' },
    { name: `${prefix}Name`, kind: 'param', type: 'string', label: 'Name', default: name, optional: true, additionalParams: true, description: 'The name the model calls the tool by' },
    {
      name: `${prefix}Description`,
      kind: 'param',
      type: 'string',
      label: 'Description',
      rows: 4,
      default: description,
      optional: true,
      additionalParams: true,
      description: 'Tells the model when to use this tool',
    },
    {
      name: `${prefix}Headers`,
      kind: 'param',
      type: 'string',
      label: 'Headers',
      rows: 4,
      acceptVariable: true,
      optional: true,
      additionalParams: true,
      placeholder: '{\n    "Authorization": "Bearer <token>"\n}',
    },
  ];
}

const maxOutputInput = (prefix: 'requestsGet' | 'requestsPost'): InputSpec => ({
  name: `${prefix}MaxOutputLength`,
  kind: 'param',
  type: 'number',
  label: 'Max Output Length',
  default: '2000',
  step: 1,
  optional: true,
  additionalParams: true,
  description: 'Characters of the response the model sees; empty for all of it (the response itself is capped by HTTP_MAX_RESPONSE_BYTES)',
});

export const requestsGet: NodeDefinition = {
  name: 'requestsGet',
  label: 'Requests Get',
  version: 2,
  type: 'RequestsGet',
  description: 'A tool that sends an HTTP GET request to a set URL; the model chooses the query parameters.',
  icon: 'requestsGet',
  category: 'Tools',
  baseClasses: ['RequestsGet', 'RequestsGetTool', ...TOOL_BASE_CLASSES],
  inputs: [
    ...commonInputs('requestsGet', 'requests_get', GET_DESCRIPTION),
    {
      name: 'requestsGetQueryParamsSchema',
      kind: 'param',
      type: 'code',
      label: 'Query Params Schema',
      optional: true,
      additionalParams: true,
      description: 'The parameters the model may send: {"name": {"type", "required", "in": "path" | "query", "description"}}',
      placeholder: '{\n    "id": { "type": "string", "required": true, "in": "path", "description": "Item id, replaces /:id" },\n    "limit": { "type": "string", "in": "query", "description": "?limit=10" }\n}',
    },
    maxOutputInput('requestsGet'),
  ],
  async build(ctx) {
    const fields = commonFields(ctx, 'requestsGet', 'requests_get', GET_DESCRIPTION);
    const params = paramSpecs(ctx.inputs.queryParamsSchema ?? ctx.inputs.requestsGetQueryParamsSchema, 'Query Params Schema', ctx.nodeId);
    const { RequestsGetTool } = await requestTools();
    return new RequestsGetTool(fields, params);
  },
};

export const requestsPost: NodeDefinition = {
  name: 'requestsPost',
  label: 'Requests Post',
  version: 2,
  type: 'RequestsPost',
  description: 'A tool that sends an HTTP POST request with a JSON body to a set URL; the model fills the body.',
  icon: 'requestsPost',
  category: 'Tools',
  baseClasses: ['RequestsPost', 'RequestsPostTool', ...TOOL_BASE_CLASSES],
  inputs: [
    ...commonInputs('requestsPost', 'requests_post', POST_DESCRIPTION),
    {
      name: 'requestPostBody',
      kind: 'param',
      type: 'string',
      label: 'Body',
      rows: 4,
      acceptVariable: true,
      optional: true,
      additionalParams: true,
      description: 'A JSON body sent with every request; its keys win over what the model sends',
      placeholder: '{\n    "name": "Ada",\n    "age": 36\n}',
    },
    {
      name: 'requestsPostBodySchema',
      kind: 'param',
      type: 'code',
      label: 'Body Schema',
      optional: true,
      additionalParams: true,
      description: 'The body fields the model may send: {"name": {"type", "required", "description"}}',
      placeholder: '{\n    "name": { "type": "string", "required": true, "description": "Name of the item" }\n}',
    },
    maxOutputInput('requestsPost'),
  ],
  async build(ctx) {
    const fields = commonFields(ctx, 'requestsPost', 'requests_post', POST_DESCRIPTION);
    const params = paramSpecs(ctx.inputs.requestsPostBodySchema, 'Body Schema', ctx.nodeId);
    const body = jsonObject(ctx.inputs.body ?? ctx.inputs.requestPostBody, 'Body', ctx.nodeId) ?? {};
    const { RequestsPostTool } = await requestTools();
    return new RequestsPostTool(fields, params, body);
  },
};
