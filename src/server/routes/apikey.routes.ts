import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { generateApiKey, hashApiKey, keyPrefix } from '../../security/api-key-hash.js';
import { notFound } from '../../shared/app-error.js';
import type { ApiKeyRecord } from '../../storage/repositories/api-key-repository.js';
import type { AppDeps } from '../app-deps.js';
import { parseInput } from '../schemas/parse.js';

const createSchema = z.object({
  keyName: z.string().trim().min(1, 'must not be empty').max(200),
  permissions: z.array(z.string()).optional(),
});
const renameSchema = z.object({ keyName: z.string().trim().min(1, 'must not be empty').max(200) });

function view(record: ApiKeyRecord, chatFlows: Array<{ flowName: string; category: string | null; updatedDate: string }> = []) {
  return {
    id: record.id,
    keyName: record.keyName,
    keyPrefix: record.keyPrefix,
    permissions: record.permissions ? (JSON.parse(record.permissions) as string[]) : [],
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    chatFlows,
  };
}

/** API keys: stored hashed; the plaintext is in the create response only. */
export async function apiKeyRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { apiKeys, chatflows } = deps.repos;

  app.get('/api/v1/apikey', async () => {
    const [keys, flows] = await Promise.all([apiKeys.list(), chatflows.list()]);
    return keys.map((key) =>
      view(
        key,
        flows
          .filter((flow) => flow.apikeyid === key.id)
          .map((flow) => ({ flowName: flow.name, category: flow.category, updatedDate: flow.updatedDate })),
      ),
    );
  });

  app.post('/api/v1/apikey', async (request) => {
    const body = parseInput(createSchema, request.body);
    const apiKey = generateApiKey();
    const record = await apiKeys.create({
      keyName: body.keyName,
      keyHash: hashApiKey(apiKey),
      keyPrefix: keyPrefix(apiKey),
      ...(body.permissions ? { permissions: body.permissions } : {}),
    });
    return { id: record.id, keyName: record.keyName, apiKey, createdAt: record.createdAt };
  });

  app.put<{ Params: { id: string } }>('/api/v1/apikey/:id', async (request) => {
    const body = parseInput(renameSchema, request.body);
    const record = await apiKeys.rename(request.params.id, body.keyName);
    if (!record) throw notFound('APIKEY_NOT_FOUND', 'API key', request.params.id);
    return view(record);
  });

  // Chatflows bound to a deleted key stay bound: their predictions answer 401, never become public.
  app.delete<{ Params: { id: string } }>('/api/v1/apikey/:id', async (request) => {
    if (!(await apiKeys.delete(request.params.id))) throw notFound('APIKEY_NOT_FOUND', 'API key', request.params.id);
    return { id: request.params.id, deleted: true };
  });
}
