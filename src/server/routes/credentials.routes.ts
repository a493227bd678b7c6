import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../shared/app-error.js';
import type { CredentialRecord } from '../../storage/repositories/credential-repository.js';
import type { AppDeps } from '../app-deps.js';
import { parseInput } from '../schemas/parse.js';

/** Shown in place of secret fields; sent back unchanged in an update, it keeps the stored value. */
export const REDACTED = '_AIMICROMIND_REDACTED_';

const SECRET_FIELD = /key|secret|password|token/i;

const createSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty'),
  credentialName: z.string().trim().min(1, 'must not be empty'),
  plainDataObj: z.record(z.string(), z.unknown()),
});

const updateSchema = z.object({
  name: z.string().trim().min(1).optional(),
  credentialName: z.string().trim().min(1).optional(),
  plainDataObj: z.record(z.string(), z.unknown()).optional(),
});

const view = (record: CredentialRecord) => ({
  id: record.id,
  name: record.name,
  credentialName: record.credentialName,
  createdDate: record.createdDate,
  updatedDate: record.updatedDate,
});

function masked(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, SECRET_FIELD.test(k) ? REDACTED : v]));
}

/** Credentials (api-contract.md §8.1): encrypted at rest, secret fields never shown in clear. */
export async function credentialRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { credentials } = deps.repos;
  const { cipher } = deps;

  app.get<{ Querystring: { credentialName?: string | string[] } }>('/api/v1/credentials', async (request) => {
    const names = request.query.credentialName;
    const list = await credentials.list(names === undefined ? undefined : Array.isArray(names) ? names : [names]);
    return list.map(view);
  });

  app.get<{ Params: { id: string } }>('/api/v1/credentials/:id', async (request) => {
    const record = await credentials.get(request.params.id);
    if (!record) throw notFound('CREDENTIAL_NOT_FOUND', 'Credential', request.params.id);
    return { ...view(record), plainDataObj: masked(cipher.decrypt(record.encryptedData, record.id)) };
  });

  app.post('/api/v1/credentials', async (request) => {
    const body = parseInput(createSchema, request.body);
    const record = await credentials.create({
      name: body.name,
      credentialName: body.credentialName,
      encryptedData: cipher.encrypt(body.plainDataObj),
    });
    return view(record);
  });

  app.put<{ Params: { id: string } }>('/api/v1/credentials/:id', async (request) => {
    const body = parseInput(updateSchema, request.body);
    const existing = await credentials.get(request.params.id);
    if (!existing) throw notFound('CREDENTIAL_NOT_FOUND', 'Credential', request.params.id);
    let encryptedData: string | undefined;
    if (body.plainDataObj) {
      const current = cipher.decrypt(existing.encryptedData, existing.id);
      const next: Record<string, unknown> = { ...current };
      for (const [field, value] of Object.entries(body.plainDataObj)) if (value !== REDACTED) next[field] = value;
      encryptedData = cipher.encrypt(next);
    }
    const updated = await credentials.update(existing.id, {
      ...(body.name ? { name: body.name } : {}),
      ...(body.credentialName ? { credentialName: body.credentialName } : {}),
      ...(encryptedData ? { encryptedData } : {}),
    });
    return view(updated!);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/credentials/:id', async (request) => {
    if (!(await credentials.delete(request.params.id))) {
      throw notFound('CREDENTIAL_NOT_FOUND', 'Credential', request.params.id);
    }
    return { id: request.params.id, deleted: true };
  });
}
