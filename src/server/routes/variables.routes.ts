import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, notFound } from '../../shared/app-error.js';
import type { VariableFields } from '../../storage/repositories/variable-repository.js';
import type { AppDeps } from '../app-deps.js';
import { pagedAnswer, parsePage } from '../schemas/pagination.js';
import { parseInput } from '../schemas/parse.js';

/** `{{$vars.name}}` and `$vars.name` reach it; a runtime variable reads the environment variable of that name. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
/** Names every JavaScript object answers to: `$vars.<name>` in a tool would not mean the variable. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const fields = {
  name: z
    .string()
    .trim()
    .regex(VARIABLE_NAME, 'must start with a letter or _ and hold only letters, digits and _ (so $vars.<name> reaches it)')
    .refine((name) => !RESERVED_NAMES.has(name), 'must not be __proto__, constructor or prototype (every JavaScript object has these)'),
  value: z
    .union([z.string(), z.number(), z.boolean()], { error: 'must be a string' })
    .nullable()
    .optional()
    .transform((v) => (v === undefined || v === null ? v : String(v))),
  type: z.enum(['static', 'runtime'], { error: 'must be static or runtime' }),
};
const createSchema = z.object({ ...fields, type: fields.type.default('static') });
const updateSchema = z.object({ name: fields.name.optional(), value: fields.value, type: fields.type.optional() });

/**
 * Variables (Flowise's `/api/v1/variables`): `static` ones hold their value; `runtime` ones read the
 * environment variable of the same name at run time, but only names listed in
 * RUNTIME_VARIABLES_ALLOW_LIST (any other would let a flow author read the server's secrets). Values of
 * runtime variables are never shown here. Management routes: admin or API key.
 */
export async function variableRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { variables } = deps.repos;
  const allowed = new Set(deps.config.variables.allowList);
  const checkRuntime = (name: string, type: string) => {
    if (type === 'runtime' && !allowed.has(name)) {
      throw new AppError(
        'VALIDATION_FAILED',
        400,
        `Runtime variable "${name}" would read the environment variable ${name}, which RUNTIME_VARIABLES_ALLOW_LIST does not list`,
      );
    }
  };

  app.get<{ Querystring: Record<string, unknown> }>('/api/v1/variables', async (request) => {
    const page = parsePage(request.query);
    return pagedAnswer(page, await variables.list(page));
  });

  app.post('/api/v1/variables', async (request) => {
    const body = parseInput(createSchema, request.body);
    checkRuntime(body.name, body.type);
    return variables.create({ name: body.name, value: body.value ?? null, type: body.type });
  });

  app.put<{ Params: { id: string } }>('/api/v1/variables/:id', async (request) => {
    const body = parseInput(updateSchema, request.body);
    const existing = await variables.get(request.params.id);
    if (!existing) throw notFound('VARIABLE_NOT_FOUND', 'Variable', request.params.id);
    checkRuntime(body.name ?? existing.name, body.type ?? existing.type);
    const patch: Partial<VariableFields> = {};
    if (body.name !== undefined) patch.name = body.name;
    if (body.value !== undefined) patch.value = body.value;
    if (body.type !== undefined) patch.type = body.type;
    const updated = await variables.update(existing.id, patch);
    if (!updated) throw notFound('VARIABLE_NOT_FOUND', 'Variable', request.params.id);
    return updated;
  });

  app.delete<{ Params: { id: string } }>('/api/v1/variables/:id', async (request) => {
    if (!(await variables.delete(request.params.id))) throw notFound('VARIABLE_NOT_FOUND', 'Variable', request.params.id);
    return { id: request.params.id, deleted: true };
  });
}
