import type { RunnableConfig } from '@langchain/core/runnables';
import { StructuredTool } from '@langchain/core/tools';
import type { CodeSandbox } from '../../sandbox/code-sandbox.js';
import { flowContextOf } from './agent-tool.js';
import { callSignal } from './call-signal.js';
import type { z } from 'zod';

export interface SandboxedToolFields {
  name: string;
  description: string;
  /** The arguments' schema (an object schema); the model sees it as JSON Schema. */
  schema: z.ZodObject;
  /** Arguments that arrive as ISO strings and become `Date` objects in the sandbox. */
  dateProperties: string[];
  /** The tool's JavaScript function body (Flowise's `func`). */
  code: string;
  returnDirect: boolean;
  sandbox: CodeSandbox;
  /** `$vars` as the run resolved them. */
  vars: Readonly<Record<string, unknown>>;
  /** `$flow` of the run that built the tool: chatflowId, sessionId, chatId, input, state. */
  flow: Readonly<Record<string, unknown>>;
  /** The run's signal: aborting the run stops the code at once. */
  signal: AbortSignal;
}

/**
 * A custom tool (Flowise's customTool `DynamicStructuredTool`): the model calls it with arguments that
 * match the stored schema; the code runs in the sandbox (sandbox/code-sandbox.ts) with each argument as
 * `$<property>`, plus `$vars` and `$flow`, and its return value is the observation: a string as is,
 * anything else JSON-encoded, nothing as "". Errors (the code's, or a sandbox limit) reject the call,
 * which agents feed back to the model.
 */
export class SandboxedTool extends StructuredTool {
  static override lc_name() {
    return 'DynamicStructuredTool';
  }

  override name: string;
  override description: string;
  override schema;
  private readonly fields: SandboxedToolFields;

  constructor(fields: SandboxedToolFields) {
    super();
    this.fields = fields;
    this.name = fields.name;
    this.description = fields.description;
    this.schema = fields.schema;
    this.returnDirect = fields.returnDirect;
  }

  protected async _call(args: Record<string, unknown>, _runManager?: unknown, config?: RunnableConfig): Promise<string> {
    const { sandbox, code, dateProperties, vars, signal } = this.fields;
    const caller = flowContextOf(config);
    const flow = caller
      ? { ...this.fields.flow, chatflowId: caller.chatflowId, sessionId: caller.sessionId, chatId: caller.chatId, input: caller.input }
      : this.fields.flow;
    const globals: Record<string, unknown> = { $vars: vars, $flow: flow };
    for (const [name, value] of Object.entries(args)) globals[`$${name}`] = value;
    const dateGlobals = dateProperties.map((property) => `$${property}`);
    const result = await sandbox.run({ code, globals, dateGlobals }, callSignal(config, signal));
    return result.kind === 'undefined' ? '' : result.text;
  }
}
