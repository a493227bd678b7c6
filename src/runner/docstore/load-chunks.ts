import { FlowValidationError } from '../../engine/errors.js';
import type { EngineServices } from '../../engine/nodes/node-definition.js';
import type { NodeRegistry } from '../../engine/nodes/node-registry.js';
import { buildStandaloneNode, requireDefinition, standaloneContext } from '../../engine/run/standalone-node.js';

/** A document as loaders produce it (LangChain's Document shape). */
export interface LoadedChunk {
  pageContent: string;
  metadata: Record<string, unknown>;
}

/** Which loader and splitter nodes to run, with their inputs (a store loader's settings). */
export interface LoaderSettings {
  loaderId?: string;
  loaderConfig?: Record<string, unknown>;
  splitterId?: string;
  splitterConfig?: Record<string, unknown>;
  credential?: string;
}

/** Web scrapers read at most this many pages for a preview (Flowise's rule). */
const PREVIEW_PAGE_LIMIT = 3;
const SCRAPERS = new Set(['cheerioWebScraper', 'playwrightWebScraper', 'puppeteerWebScraper']);

function isChunk(value: unknown): value is LoadedChunk {
  const doc = value as Partial<LoadedChunk> | null;
  return typeof doc?.pageContent === 'string' && typeof doc.metadata === 'object' && doc.metadata !== null;
}

/**
 * Runs a store loader as Flowise's `_splitIntoChunks` does: the splitter node (when it has settings),
 * then the loader node with that splitter and its `document` output. The nodes are the engine's own
 * definitions, so a store loads exactly as the same loader in a chatflow would. `ownerId` is the store:
 * its uploads hold the loader's `FILE-STORAGE::` files.
 */
export async function loadChunks(
  settings: LoaderSettings,
  ownerId: string,
  deps: { registry: NodeRegistry; services: EngineServices; signal: AbortSignal },
  options: { preview?: boolean } = {},
): Promise<LoadedChunk[]> {
  const run = standaloneContext(ownerId, deps.services, deps.signal);
  const loader = requireDefinition(deps.registry, settings.loaderId, 'Document loader');
  if (loader.category !== 'Document Loaders') throw new FlowValidationError(`"${loader.name}" is not a document loader`);
  let splitter: unknown = '';
  if (settings.splitterId) {
    // Checked even when it has no settings to build with: an unknown splitter is an error, not "none".
    const definition = requireDefinition(deps.registry, settings.splitterId, 'Text splitter');
    if (definition.category !== 'Text Splitters') throw new FlowValidationError(`"${definition.name}" is not a text splitter`);
    if (settings.splitterConfig && Object.keys(settings.splitterConfig).length > 0) {
      splitter = await buildStandaloneNode({ definition, inputs: { ...settings.splitterConfig } }, run);
    }
  }
  const config = { ...settings.loaderConfig };
  if (options.preview && SCRAPERS.has(loader.name)) config.limit = PREVIEW_PAGE_LIMIT;
  const docs = await buildStandaloneNode(
    { definition: loader, inputs: { ...config, textSplitter: splitter }, credentialId: settings.credential, outputs: { output: 'document' } },
    run,
  );
  if (!Array.isArray(docs) || !docs.every(isChunk)) {
    throw new FlowValidationError(`Document loader "${loader.name}" did not produce documents`);
  }
  return docs.map((doc) => ({ pageContent: doc.pageContent, metadata: doc.metadata }));
}
