import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseToolSchema } from '../../engine/tools/tool-schema.js';
import { AppError, notFound } from '../../shared/app-error.js';
import type { ToolFields } from '../../storage/repositories/tool-repository.js';
import type { AppDeps } from '../app-deps.js';
import { pagedAnswer, parsePage } from '../schemas/pagination.js';
import { parseInput } from '../schemas/parse.js';
import { testRunTool } from '../services/tool-test-run.js';

/** Every model provider accepts tool names of this form (OpenAI, Anthropic, Gemini, Ollama). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const DEFAULT_COLOR = 'linear-gradient(rgb(72,124,221), rgb(31,70,163))';

const fields = {
  name: z.string().trim().regex(TOOL_NAME, 'must be 1 to 64 letters, digits, _ or - (the name the model calls the tool by)'),
  description: z.string().trim().min(1, 'must not be empty (the model reads it to decide when to call the tool)'),
  color: z.string().max(500).optional(),
  iconSrc: z.string().max(2000).nullable().optional(),
  /** JSON text or the array itself; checked by parseToolSchema. */
  schema: z.unknown().optional(),
  func: z.string().nullable().optional(),
};
/** `id` is our addition: a Flowise tool keeps its id, so flows that select it by id run unchanged. */
const createSchema = z.object({ ...fields, id: z.uuid('must be a UUID').optional() });
const updateSchema = z.object({ ...fields, name: fields.name.optional(), description: fields.description.optional() });

/** The schema as stored: the submitted JSON text once it parsed, or the array as JSON text. */
function storedSchema(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  try {
    parseToolSchema(value);
  } catch (error) {
    throw new AppError('VALIDATION_FAILED', 400, (error as Error).message);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Custom tools (Flowise's `/api/v1/tools`): name, description, color, iconSrc, schema (JSON text of
 * `[{property, type, description, required}]`) and func (the JavaScript function body the customTool
 * node runs in the sandbox). Management routes: admin or API key. `POST /api/v1/tools/test` runs unsaved
 * code once in the sandbox (services/tool-test-run.ts) for the editor's test-run.
 */
export async function toolRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { tools } = deps.repos;

  app.get<{ Querystring: Record<string, unknown> }>('/api/v1/tools', async (request) => {
    const page = parsePage(request.query);
    return pagedAnswer(page, await tools.list(page));
  });

  app.get<{ Params: { id: string } }>('/api/v1/tools/:id', async (request) => {
    const tool = await tools.get(request.params.id);
    if (!tool) throw notFound('TOOL_NOT_FOUND', 'Tool', request.params.id);
    return tool;
  });

  app.post('/api/v1/tools', async (request) => {
    const body = parseInput(createSchema, request.body);
    return tools.create(
      {
        name: body.name,
        description: body.description,
        color: body.color ?? DEFAULT_COLOR,
        iconSrc: body.iconSrc ?? null,
        schema: storedSchema(body.schema),
        func: body.func ?? null,
      },
      body.id,
    );
  });

  app.post('/api/v1/tools/test', async (request, reply) => {
    // A client that goes away stops the code at once rather than leaving it to run to the timeout.
    const gone = new AbortController();
    const onClose = () => reply.raw.writableFinished || gone.abort(new Error('The client closed the connection'));
    reply.raw.once('close', onClose);
    try {
      return await testRunTool(deps.services, request.body, gone.signal);
    } finally {
      reply.raw.off('close', onClose);
    }
  });

  app.put<{ Params: { id: string } }>('/api/v1/tools/:id', async (request) => {
    const body = parseInput(updateSchema, request.body);
    const patch: Partial<ToolFields> = {};
    if (body.name !== undefined) patch.name = body.name;
    if (body.description !== undefined) patch.description = body.description;
    if (body.color !== undefined) patch.color = body.color;
    if (body.iconSrc !== undefined) patch.iconSrc = body.iconSrc;
    if (body.schema !== undefined) patch.schema = storedSchema(body.schema);
    if (body.func !== undefined) patch.func = body.func;
    const updated = await tools.update(request.params.id, patch);
    if (!updated) throw notFound('TOOL_NOT_FOUND', 'Tool', request.params.id);
    return updated;
  });

  app.delete<{ Params: { id: string } }>('/api/v1/tools/:id', async (request) => {
    if (!(await tools.delete(request.params.id))) throw notFound('TOOL_NOT_FOUND', 'Tool', request.params.id);
    return { id: request.params.id, deleted: true };
  });
}
