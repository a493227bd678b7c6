import { Tool } from '@langchain/core/tools';
import type { ToolRunnableConfig } from '@langchain/core/tools';
import type { RunContext } from '../nodes/node-definition.js';
import { type InvokableChain, flowContextOf } from './agent-tool.js';

/**
 * Flowise's ChainTool: a chain as an agent's tool. The tool input is the chain's question; the chain
 * runs without streaming (its tokens are not the agent's answer); the answer is its text, or its
 * JSON when an output parser made one.
 */
export class ChainTool extends Tool {
  static override lc_name() {
    return 'ChainTool';
  }

  override name: string;

  override description: string;

  constructor(fields: { name: string; description: string; returnDirect: boolean; chain: InvokableChain; run: RunContext }) {
    super();
    this.name = fields.name;
    this.description = fields.description;
    this.returnDirect = fields.returnDirect;
    this.chain = fields.chain;
    this.run = fields.run;
  }

  private readonly chain: InvokableChain;

  private readonly run: RunContext;

  async _call(input: string, _runManager?: unknown, config?: ToolRunnableConfig): Promise<string> {
    const run = flowContextOf(config)?.run ?? this.run;
    const result = await this.chain.invokeChain(input, { ...run, question: input, streaming: false });
    return typeof result.text === 'string' ? result.text : JSON.stringify(result.json ?? '');
  }
}
