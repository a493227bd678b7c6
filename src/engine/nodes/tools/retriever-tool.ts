import type { DocumentInterface } from '@langchain/core/documents';
import { z } from 'zod';
import { FlowValidationError } from '../../errors.js';
import { type MetadataFilter, parseMetadataFilter } from '../../vectors/vector-port.js';
import { asRetriever, toSourceDocuments } from '../chains/retrieval.js';
import { asBoolean, asJsonObject, asString } from '../input-values.js';
import type { NodeDefinition } from '../node-definition.js';
import { traced } from '../../run/node-tracer.js';

/**
 * Flowise's marker between a tool's text and its source documents (`src/agents.ts`): an agent strips
 * what follows it from the observation and returns it as the answer's `sourceDocuments`.
 */
export const SOURCE_DOCUMENTS_PREFIX = '\n\n----FLOWISE_SOURCE_DOCUMENTS----\n\n';

interface VectorStoreRetrieverLike {
  k: number;
  vectorStore: { similaritySearch(query: string, k?: number, filter?: MetadataFilter): Promise<DocumentInterface[]> };
}

const isVectorStoreRetriever = (value: unknown): value is VectorStoreRetrieverLike =>
  typeof (value as Partial<VectorStoreRetrieverLike> | null)?.vectorStore?.similaritySearch === 'function';

/** Filter values `$flow.<key>` take the run's value (Flowise's resolveFlowObjValue); the rest stay as written. */
function resolveFlowValues(filter: Record<string, unknown>, flow: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filter).map(([key, value]) => [key, typeof value === 'string' && value.startsWith('$flow.') ? (flow[value.slice(6)] ?? value) : value]),
  );
}

/**
 * Flowise `retrieverTool` (v3): a structured tool `{input}` for agents that returns the retrieved
 * documents' text, joined by blank lines, and with Return Source Documents the documents as JSON after
 * SOURCE_DOCUMENTS_PREFIX.
 */
export const retrieverTool: NodeDefinition = {
  name: 'retrieverTool',
  label: 'Retriever Tool',
  version: 3,
  type: 'RetrieverTool',
  description: 'Lets an agent search documents: a tool that returns what a retriever finds for its input.',
  icon: 'retriever-tool',
  category: 'Tools',
  baseClasses: ['RetrieverTool', 'DynamicTool', 'Tool', 'StructuredTool', 'Runnable'],
  inputs: [
    { name: 'name', kind: 'param', type: 'string', label: 'Retriever Name', placeholder: 'search_state_of_union' },
    {
      name: 'description',
      kind: 'param',
      type: 'string',
      label: 'Retriever Description',
      rows: 3,
      placeholder: 'Searches and returns documents about the state of the union.',
      description: 'Tells the agent when to use this tool',
    },
    { name: 'retriever', kind: 'anchor', type: 'BaseRetriever', label: 'Retriever' },
    { name: 'returnSourceDocuments', kind: 'param', type: 'boolean', label: 'Return Source Documents', optional: true },
    {
      name: 'retrieverToolMetadataFilter',
      kind: 'param',
      type: 'json',
      label: 'Additional Metadata Filter',
      optional: true,
      additionalParams: true,
      acceptVariable: true,
      description: 'Metadata that found documents must have; values may be $flow.sessionId, $flow.chatId, $flow.chatflowId or $flow.input (the question)',
    },
  ],
  async build(ctx) {
    const name = asString(ctx.inputs.name);
    const description = asString(ctx.inputs.description);
    if (!name || !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (retrieverTool): the name must be 1–64 letters, digits, _ or -`, ctx.nodeId);
    }
    if (!description) throw new FlowValidationError(`Node ${ctx.nodeId} (retrieverTool): missing required input "description"`, ctx.nodeId);
    const retriever = asRetriever(ctx.inputs.retriever, ctx.nodeId, 'retriever');
    const returnSources = asBoolean(ctx.inputs.returnSourceDocuments) === true;
    let rawFilter: Record<string, unknown> | undefined;
    try {
      rawFilter = asJsonObject(ctx.inputs.retrieverToolMetadataFilter, 'retrieverToolMetadataFilter');
    } catch (error) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (retrieverTool): ${(error as Error).message}`, ctx.nodeId);
    }
    const run = ctx.run;
    const search = async ({ input }: { input: string }): Promise<string> => {
      let docs: DocumentInterface[];
      // `$flow.input` is the user's question (Flowise's flow config), not the tool's input.
      const flow = { sessionId: run.sessionId, chatId: run.chatId, chatflowId: run.chatflowId, input: run.question };
      const filter = rawFilter ? parseMetadataFilter(resolveFlowValues(rawFilter, flow)) : undefined;
      // The retrieval is the vector store node's time (its retriever is what that node built).
      if (filter && isVectorStoreRetriever(retriever)) docs = await traced(run.trace, retriever, () => retriever.vectorStore.similaritySearch(input, retriever.k, filter));
      else docs = await traced(run.trace, retriever, () => retriever.invoke(input, { signal: run.signal }));
      const content = docs.map((d) => d.pageContent).join('\n\n');
      return returnSources ? content + SOURCE_DOCUMENTS_PREFIX + JSON.stringify(toSourceDocuments(docs)) : content;
    };
    const { DynamicStructuredTool } = await import('@langchain/core/tools');
    return new DynamicStructuredTool({
      name,
      description,
      schema: z.object({ input: z.string().describe('input to look up in retriever') }),
      func: search,
    });
  },
};
