import { DynamicStructuredTool } from '@langchain/core/tools';
import { z } from 'zod';
import type { NodeDefinition } from '../../../src/engine/nodes/node-definition.js';
import { SUPPORTED_NODES, createNodeRegistry } from '../../../src/engine/nodes/node-registry.js';
import { SOURCE_DOCUMENTS_PREFIX, TOOL_BASE_CLASSES, flowContextOf } from '../../../src/engine/tools/agent-tool.js';

/** What the test tool saw, for assertions. */
export const probe = {
  calls: [] as Array<{ args: unknown; flow: unknown }>,
  aborted: 0,
  started: 0,
  reset() {
    this.calls.length = 0;
    this.aborted = 0;
    this.started = 0;
  },
};

/**
 * `testTool`: a StructuredTool node for engine tests (not in the product registry). Its `behaviour`
 * input: `echo` (returns "echo:<text>"), `fail` (throws), `hang` (waits for the signal), `docs`
 * (appends a source-documents payload); `returnDirect` is its input too.
 */
export const testToolNode: NodeDefinition = {
  name: 'testTool',
  label: 'Test Tool',
  version: 1,
  type: 'TestTool',
  description: 'test only',
  category: 'Tools',
  baseClasses: ['TestTool', ...TOOL_BASE_CLASSES],
  inputs: [
    { name: 'behaviour', kind: 'param', type: 'string', label: 'Behaviour' },
    { name: 'toolName', kind: 'param', type: 'string', label: 'Name', optional: true },
    { name: 'returnDirect', kind: 'param', type: 'boolean', label: 'Return Direct', optional: true },
  ],
  async build(ctx) {
    const behaviour = String(ctx.inputs.behaviour);
    return new DynamicStructuredTool({
      name: typeof ctx.inputs.toolName === 'string' && ctx.inputs.toolName !== '' ? ctx.inputs.toolName : 'test_tool',
      description: 'A tool for tests',
      schema: z.object({ text: z.string() }),
      returnDirect: ctx.inputs.returnDirect === true,
      func: async ({ text }, _runManager, config) => {
        probe.calls.push({ args: { text }, flow: { ...flowContextOf(config), run: undefined } });
        probe.started += 1;
        if (behaviour === 'fail') throw new Error(`tool broke on ${text}`);
        if (behaviour === 'hang') {
          return new Promise<string>((_resolve, reject) => {
            config?.signal?.addEventListener('abort', () => {
              probe.aborted += 1;
              reject(new Error('aborted'));
            });
          });
        }
        if (behaviour === 'docs') return `found ${text}${SOURCE_DOCUMENTS_PREFIX}${JSON.stringify([{ pageContent: 'doc', metadata: { source: 's' } }])}`;
        return `echo:${text}`;
      },
    });
  },
};

export const testRegistry = createNodeRegistry([...SUPPORTED_NODES, testToolNode]);
