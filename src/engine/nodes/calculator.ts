import { TOOL_BASE_CLASSES } from '../tools/agent-tool.js';
import type { NodeDefinition } from './node-definition.js';

/** Loaded with the first run that builds it (LangChain stays out of start-up). */
const calculatorClass = async () => (await import('../tools/calculator-tool.js')).Calculator;

export const calculator: NodeDefinition = {
  name: 'calculator',
  label: 'Calculator',
  version: 1,
  type: 'Calculator',
  description: 'A tool that evaluates arithmetic expressions for an agent (an expression parser, never eval).',
  icon: 'calculator',
  category: 'Tools',
  baseClasses: ['Calculator', ...TOOL_BASE_CLASSES],
  inputs: [],
  reusable: true,
  async build() {
    return new (await calculatorClass())();
  },
};
