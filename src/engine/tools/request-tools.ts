import type { RunnableConfig } from '@langchain/core/runnables';
import { StructuredTool } from '@langchain/core/tools';
import { z } from 'zod';
import type { OutboundFetch } from '../../security/outbound-policy.js';
import { callSignal } from './call-signal.js';

/**
 * Flowise's requestsGet / requestsPost tools (nodes/tools/RequestsGet|RequestsPost/core.ts): fixed URL
 * and headers from the node, arguments from the model, the response text (cut to `maxOutputLength`
 * characters, the node's documented setting) as the observation. Every request goes through the
 * outbound policy; a non-2xx status or a refused address fails the call with Flowise's message prefix.
 */

/** One entry of a query-params or body schema: `{type, required?, description?, in?: 'path' | 'query'}`. */
export interface ParamSpec {
  type?: string;
  required?: boolean;
  description?: string;
  in?: string;
}

export interface RequestToolFields {
  name: string;
  description: string;
  url: string;
  headers: Record<string, string>;
  maxOutputLength: number;
  outbound: OutboundFetch;
  /** The run's signal: aborting the run aborts the request. */
  signal: AbortSignal;
}

function withDescription<T extends z.ZodType>(schema: T, spec: ParamSpec): z.ZodType {
  const described = spec.description ? schema.describe(spec.description) : schema;
  return spec.required ? described : described.optional();
}

/** GET arguments: `{queryParams?: {...}}`, typed by the node's Query Params Schema when it has one. */
export function getArgumentsSchema(params: Record<string, ParamSpec> | undefined) {
  if (params && Object.keys(params).length > 0) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, spec] of Object.entries(params)) {
      const base = spec.type === 'number' ? z.coerce.number<unknown>() : spec.type === 'boolean' ? z.enum(['true', 'false']) : z.string();
      shape[key] = withDescription(base, spec);
    }
    return z.object({ queryParams: z.object(shape).optional().describe('Query parameters for the request') });
  }
  return z.object({ queryParams: z.record(z.string(), z.string()).optional().describe('Optional query parameters to include in the request') });
}

/** POST arguments: `{body: {...}}` typed by the node's Body Schema, else `{body?: object}`. */
export function postArgumentsSchema(params: Record<string, ParamSpec> | undefined) {
  if (params && Object.keys(params).length > 0) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, spec] of Object.entries(params)) {
      const base =
        spec.type === 'number'
          ? z.number()
          : spec.type === 'boolean'
            ? z.boolean()
            : spec.type === 'object'
              ? z.record(z.string(), z.unknown())
              : spec.type === 'array'
                ? z.array(z.unknown())
                : z.string();
      shape[key] = withDescription(base, spec);
    }
    return z.object({ body: z.object(shape).describe('Request body parameters') });
  }
  return z.object({ body: z.record(z.string(), z.unknown()).optional().describe('Optional body data to include in the request') });
}

/**
 * Path params replace `:key` in the URL (or are appended as segments); query params are added to it.
 * With a schema, arguments it does not name are ignored; without one, all are query params.
 */
export function buildGetUrl(base: string, args: Record<string, unknown> | undefined, params: Record<string, ParamSpec> | undefined): string {
  if (!args || Object.keys(args).length === 0) return base;
  let url = base;
  const query: Array<[string, string]> = [];
  const appended: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    // Flowise drops a schema entry without `in`; we treat it as a query parameter.
    const where = params ? (params[key] ? (params[key].in ?? 'query') : undefined) : 'query';
    if (where === 'path') {
      const placeholder = new RegExp(`:${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g');
      if (placeholder.test(url)) url = url.replace(placeholder, encodeURIComponent(String(value)));
      else appended.push(encodeURIComponent(String(value)));
    } else if (where === 'query') {
      query.push([key, String(value)]);
    }
  }
  if (appended.length > 0) url = `${url.replace(/\/$/, '')}/${appended.join('/')}`;
  if (query.length === 0) return url;
  const parsed = new URL(url);
  for (const [key, value] of query) parsed.searchParams.append(key, value);
  return parsed.toString();
}

abstract class RequestTool extends StructuredTool {
  override name: string;
  override description: string;
  protected readonly fields: RequestToolFields;

  constructor(fields: RequestToolFields) {
    super();
    this.fields = fields;
    this.name = fields.name;
    this.description = fields.description;
  }

  protected async send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body: string | undefined, config?: RunnableConfig) {
    const { outbound, signal, maxOutputLength } = this.fields;
    const combined = callSignal(config, signal);
    let text: string;
    try {
      const response = await outbound.fetch(url, { method, headers, body, signal: combined });
      if (!response.ok) throw new Error(`HTTP Error ${response.status}: ${response.statusText}`);
      text = response.text();
    } catch (error) {
      if (combined.aborted) throw combined.reason;
      throw new Error(`Failed to make ${method} request: ${error instanceof Error ? error.message : String(error)}`);
    }
    return text.slice(0, maxOutputLength);
  }
}

export class RequestsGetTool extends RequestTool {
  static override lc_name() {
    return 'RequestsGetTool';
  }

  override schema;

  constructor(
    fields: RequestToolFields,
    private readonly params: Record<string, ParamSpec> | undefined,
  ) {
    super(fields);
    this.schema = getArgumentsSchema(params);
  }

  protected async _call(args: { queryParams?: Record<string, unknown> }, _runManager?: unknown, config?: RunnableConfig): Promise<string> {
    const url = buildGetUrl(this.fields.url, args.queryParams, this.params);
    return this.send('GET', url, this.fields.headers, undefined, config);
  }
}

export class RequestsPostTool extends RequestTool {
  static override lc_name() {
    return 'RequestsPostTool';
  }

  override schema;

  constructor(
    fields: RequestToolFields,
    params: Record<string, ParamSpec> | undefined,
    /** The node's Body: its keys win over the model's (as the node's description says). */
    private readonly body: Record<string, unknown>,
  ) {
    super(fields);
    this.schema = postArgumentsSchema(params);
  }

  protected async _call(args: { body?: Record<string, unknown> }, _runManager?: unknown, config?: RunnableConfig): Promise<string> {
    const headers = { 'Content-Type': 'application/json', ...this.fields.headers };
    const body = JSON.stringify({ ...args.body, ...this.body });
    return this.send('POST', this.fields.url, headers, body, config);
  }
}
