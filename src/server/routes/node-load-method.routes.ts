import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SUPPORTED_NODES } from '../../engine/nodes/node-registry.js';
import { AppError } from '../../shared/app-error.js';
import type { AppDeps } from '../app-deps.js';
import { parseInput } from '../schemas/parse.js';
import { declaredLoadMethods, loadMethodNamed } from '../services/node-load-methods.js';

/** Flowise's body: `{loadMethod, inputs?, ...the rest of the node's data}` (the rest is ignored here). */
const bodySchema = z.looseObject({
  loadMethod: z.string({ error: 'is required: the name of one of the node\'s load methods' }).min(1, 'must not be empty'),
  inputs: z.record(z.string(), z.unknown(), { error: 'must be an object' }).nullish(),
});

/**
 * `POST /api/v1/node-load-method/:name` (management API, Flowise's route): the choices of a node's
 * `asyncOptions` input, `[{label, name, description?}]`. Unknown node: 404; a method the node does not
 * declare: 400 naming the ones it has.
 */
export async function nodeLoadMethodRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const byName = new Map(SUPPORTED_NODES.map((node) => [node.name, node]));

  app.post<{ Params: { name: string } }>('/api/v1/node-load-method/:name', async (request) => {
    const node = byName.get(request.params.name);
    if (!node) throw new AppError('NOT_FOUND', 404, `Node ${request.params.name} not found`);
    const body = parseInput(bodySchema, request.body);
    const declared = declaredLoadMethods(node);
    if (!declared.includes(body.loadMethod)) {
      const has = declared.length > 0 ? `its load methods: ${declared.join(', ')}` : 'it has none';
      throw new AppError('VALIDATION_FAILED', 400, `loadMethod: node ${node.name} has no load method ${body.loadMethod} (${has})`);
    }
    const method = loadMethodNamed(body.loadMethod);
    if (!method) throw new AppError('NOT_FOUND', 404, `Load method ${body.loadMethod} of node ${node.name} is not available on this server`);
    return method(deps.repos, { node, inputs: body.inputs ?? {} });
  });
}
