import { z } from 'zod';
import { FlowValidationError } from '../errors.js';
import { ZodSourceError, parseZodSource } from '../output-parsers/zod-source.js';
import { TOOL_BASE_CLASSES } from '../tools/agent-tool.js';
import { parseToolSchema, toolSchemaToZod } from '../tools/tool-schema.js';
import { asBoolean, asString } from './input-values.js';
import type { BuildContext, NodeDefinition } from './node-definition.js';

/** Loaded with the first run that builds one (LangChain stays out of start-up). */
const sandboxedToolClass = async () => (await import('../tools/sandboxed-tool.js')).SandboxedTool;

/**
 * `customToolSchema` overrides the stored schema. Flowise gives it as Zod source (`z.object({...})`,
 * read here without executing anything); the stored form, a JSON array of rows, is accepted too.
 */
function argumentSchema(text: string, nodeId: string): { schema: z.ZodObject; dateProperties: string[] } {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const properties = parseToolSchema(trimmed);
    return { schema: toolSchemaToZod(properties), dateProperties: properties.filter((p) => p.type === 'date').map((p) => p.property) };
  }
  let schema: z.ZodType;
  try {
    schema = parseZodSource(trimmed);
  } catch (error) {
    if (error instanceof ZodSourceError) throw new FlowValidationError(`Node ${nodeId} (customTool): customToolSchema: ${error.message}`, nodeId);
    throw error;
  }
  if (!(schema instanceof z.ZodObject)) {
    throw new FlowValidationError(`Node ${nodeId} (customTool): customToolSchema must be z.object({...}) (the tool's arguments)`, nodeId);
  }
  return { schema, dateProperties: [] };
}

async function buildCustomTool(ctx: BuildContext) {
  const { run, nodeId, inputs } = ctx;
  const describe = `Node ${nodeId} (customTool)`;
  const toolId = asString(inputs.selectedTool);
  if (!toolId) throw new FlowValidationError(`${describe}: no tool selected (selectedTool)`, nodeId);
  const stored = await run.services.customTools?.get(toolId);
  if (!stored) throw new FlowValidationError(`${describe}: custom tool ${toolId} not found`, nodeId);
  if (!run.services.sandbox) throw new FlowValidationError(`${describe}: this process has no sandbox to run custom tools in`, nodeId);

  const code = asString(inputs.customToolFunc) ?? stored.func ?? '';
  if (code.trim() === '') throw new FlowValidationError(`${describe}: custom tool "${stored.name}" has no code (func)`, nodeId);
  let args: { schema: z.ZodObject; dateProperties: string[] };
  const schemaOverride = asString(inputs.customToolSchema);
  try {
    if (schemaOverride) args = argumentSchema(schemaOverride, nodeId);
    else {
      const properties = parseToolSchema(stored.schema);
      args = { schema: toolSchemaToZod(properties), dateProperties: properties.filter((p) => p.type === 'date').map((p) => p.property) };
    }
  } catch (error) {
    if (error instanceof FlowValidationError) throw error;
    throw new FlowValidationError(`${describe}: ${(error as Error).message}`, nodeId);
  }

  const SandboxedTool = await sandboxedToolClass();
  return new SandboxedTool({
    name: asString(inputs.customToolName) ?? stored.name,
    description: asString(inputs.customToolDesc) ?? stored.description,
    ...args,
    code,
    returnDirect: asBoolean(inputs.returnDirect) ?? false,
    sandbox: run.services.sandbox,
    vars: ctx.vars ?? {},
    flow: { chatflowId: run.chatflowId, sessionId: run.sessionId, chatId: run.chatId, input: run.question, state: {} },
    signal: run.signal,
  });
}

export const customTool: NodeDefinition = {
  name: 'customTool',
  label: 'Custom Tool',
  version: 3,
  type: 'CustomTool',
  description: 'A tool you wrote in JavaScript (Tools API): an agent calls it, and its code runs in the sandbox.',
  icon: 'customTool',
  category: 'Tools',
  baseClasses: ['CustomTool', 'DynamicStructuredTool', ...TOOL_BASE_CLASSES],
  usesVariables: true,
  inputs: [
    {
      name: 'selectedTool',
      kind: 'param',
      type: 'asyncOptions',
      loadMethod: 'listTools',
      label: 'Select Tool',
      description: 'One of the tools saved under /api/v1/tools',
    },
    {
      name: 'returnDirect',
      kind: 'param',
      type: 'boolean',
      label: 'Return Direct',
      optional: true,
      description: "The tool's output becomes the answer, without another model call",
    },
    { name: 'customToolName', kind: 'param', type: 'string', label: 'Custom Tool Name', optional: true, hidden: true },
    { name: 'customToolDesc', kind: 'param', type: 'string', label: 'Custom Tool Description', optional: true, hidden: true },
    { name: 'customToolSchema', kind: 'param', type: 'string', label: 'Custom Tool Schema', optional: true, hidden: true },
    { name: 'customToolFunc', kind: 'param', type: 'string', label: 'Custom Tool Func', optional: true, hidden: true },
  ],
  build: buildCustomTool,
};
