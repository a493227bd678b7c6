import type { FastifyInstance } from 'fastify';
import { type CatalogueNode, buildCatalogue, catalogueCredential } from '../../engine/catalogue/node-catalogue.js';
import { nodeIconSvg } from '../../engine/catalogue/node-icons.js';
import { CREDENTIAL_TYPES } from '../../engine/nodes/credential-types.js';
import { SUPPORTED_NODES } from '../../engine/nodes/node-registry.js';
import { AppError } from '../../shared/app-error.js';

type NameParams = { name: string };

const nodeNotFound = (name: string) => new AppError('NOT_FOUND', 404, `Node ${name} not found`);

/** The catalogue is the same for the life of the process: built once, served as is. */
function catalogue(): CatalogueNode[] {
  return buildCatalogue(SUPPORTED_NODES);
}

/** The node catalogue (management API): definitions in Flowise's shape, and the credential schemas. */
export async function nodeCatalogueRoutes(app: FastifyInstance): Promise<void> {
  const nodes = catalogue();
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const credentials = CREDENTIAL_TYPES.map(catalogueCredential);

  app.get('/api/v1/nodes', async () => nodes);

  app.get<{ Params: NameParams }>('/api/v1/nodes/:name', async (request) => {
    const node = byName.get(request.params.name);
    if (!node) throw nodeNotFound(request.params.name);
    return node;
  });

  app.get<{ Params: NameParams }>('/api/v1/nodes/category/:name', async (request) =>
    nodes.filter((node) => node.category === request.params.name),
  );

  app.get('/api/v1/components-credentials', async () => credentials);

  app.get<{ Params: NameParams }>('/api/v1/components-credentials/:name', async (request) => {
    // Flowise accepts several names joined by `&` and then answers an array.
    const names = request.params.name.split('&');
    const found = credentials.filter((credential) => names.includes(credential.name));
    if (found.length === 0) throw new AppError('NOT_FOUND', 404, `Credential type ${request.params.name} not found`);
    return names.length > 1 ? found : found[0];
  });
}

/** Node icons are public, as in Flowise (the embed's agent trace shows them). */
export async function nodeIconRoutes(app: FastifyInstance): Promise<void> {
  const byName = new Map(catalogue().map((node) => [node.name, node]));
  app.get<{ Params: NameParams }>('/api/v1/node-icon/:name', async (request, reply) => {
    const node = byName.get(request.params.name);
    if (!node) throw nodeNotFound(request.params.name);
    return reply
      .type('image/svg+xml')
      .header('Cache-Control', 'public, max-age=3600')
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(nodeIconSvg(node.icon.replace(/\.svg$/, ''), node.category));
  });
}
