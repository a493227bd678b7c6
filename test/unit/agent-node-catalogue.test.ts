import { describe, expect, it } from 'vitest';
import { credentialType } from '../../src/engine/nodes/credential-types.js';
import { SUPPORTED_NODES } from '../../src/engine/nodes/node-registry.js';

const AGENT_BRANCH_NODES = [
  'toolAgent', 'conversationalAgent', 'reactAgentChat', 'calculator', 'chainTool', 'serpAPI', 'serper', 'googleCustomSearch',
  'csvOutputParser', 'structuredOutputParser', 'advancedStructuredOutputParser', 'inputModerationSimple', 'inputModerationOpenAI',
  'conversationSummaryMemory', 'conversationSummaryBufferMemory', 'azureChatOpenAI', 'chatMistralAI', 'chatGoogleGenerativeAI', 'groqChat', 'chatDeepseek',
];

describe('catalogue entries of the agent, tool, parser, moderation, model and memory nodes', () => {
  it.each(AGENT_BRANCH_NODES)('%s is registered with its catalogue fields and known credential types', (name) => {
    const node = SUPPORTED_NODES.find((n) => n.name === name);
    expect(node, name).toBeDefined();
    expect(node!.version).toBeGreaterThan(0);
    expect(node!.type).not.toBe('');
    expect(node!.description.length).toBeGreaterThan(10);
    expect(node!.icon).toBeTruthy();
    for (const input of node!.inputs) expect(input.label, `${name}.${input.name}`).not.toBe('');
    for (const credentialName of node!.credential?.names ?? []) {
      const type = credentialType(credentialName);
      expect(type, credentialName).toBeDefined();
      const fields = type!.inputs.map((field) => field.name);
      for (const field of node!.credential!.fields) expect(fields).toContain(field);
    }
  });

  it('gives every tool the Tool class the agents accept, and every agent the tools anchor', () => {
    for (const node of SUPPORTED_NODES.filter((n) => n.category === 'Tools')) expect(node.baseClasses).toContain('Tool');
    for (const node of SUPPORTED_NODES.filter((n) => n.category === 'Agents')) {
      expect(node.inputs.find((i) => i.name === 'tools')).toMatchObject({ type: 'Tool', list: true });
      expect(node.inputs.find((i) => i.name === 'inputModeration')).toMatchObject({ type: 'Moderation', list: true });
    }
  });
});
