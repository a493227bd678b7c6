import { describe, expect, it } from 'vitest';
import { compileFlow, isFlowStreamable, resolveSessionId } from '../../src/engine/graph/compile-flow.js';
import { applyOverrides, parseOverrideSettings } from '../../src/engine/run/override-config.js';
import { parseChatbotConfig, postProcessingEnabled } from '../../src/server/services/chatbot-config.js';
import { conversationFlow, llmChainFlow } from '../fixtures/chatflows.js';
import { registry } from './engine-harness.js';

const compile = (flow: unknown) => compileFlow(JSON.stringify(flow), registry);
type MutableNode = { id: string; data: Record<string, any> };

describe('graph resolution', () => {
  it('orders the build from the edges and ignores sticky notes', () => {
    const plan = compile(llmChainFlow({ model: 'm', basepath: 'http://x', credential: 'c' }));
    expect(plan.endingNode.id).toBe('llmChain_0');
    expect(plan.buildOrder.map((n) => n.id).at(-1)).toBe('llmChain_0');
    expect(plan.buildOrder.map((n) => n.id).sort()).toEqual(['chatOpenAI_0', 'llmChain_0', 'promptTemplate_0']);
    expect(plan.allNodes.has('stickyNote_0')).toBe(false);
    expect(plan.memoryNode).toBeUndefined();
  });

  it('finds the memory node and its label', () => {
    const plan = compile(conversationFlow({ model: 'm', basepath: 'http://x', credential: 'c', memory: 'bufferWindowMemory' }));
    expect(plan.memoryNode?.id).toBe('bufferWindowMemory_0');
    expect(plan.memoryNode?.label).toBe('Buffer Window Memory');
  });

  it('rejects several ending nodes and an outputPrediction ending', () => {
    const two = llmChainFlow({ model: 'm', basepath: 'http://x', credential: 'c' });
    two.nodes.push({ id: 'llmChain_1', data: { id: 'llmChain_1', name: 'llmChain', inputs: { model: '{{chatOpenAI_0.data.instance}}', prompt: '{{promptTemplate_0.data.instance}}' } } });
    two.edges.push({ source: 'chatOpenAI_0', target: 'llmChain_1' }, { source: 'promptTemplate_0', target: 'llmChain_1' });
    expect(() => compile(two)).toThrow(/several ending nodes \(llmChain_0, llmChain_1\)/);
    const prediction = llmChainFlow({ model: 'm', basepath: 'http://x', credential: 'c' });
    (prediction.nodes[2] as MutableNode).data.outputs = { output: 'outputPrediction' };
    expect(() => compile(prediction)).toThrow(/Output of LLM Chain must be LLM Chain/);
  });

  it('rejects few-shot history code it cannot run', () => {
    const flow = conversationFlow({ model: 'm', basepath: 'http://x', credential: 'c', chatPrompt: { system: 's', human: '{input}' } });
    (flow.nodes.at(-1) as MutableNode).data.inputs.messageHistory = 'return [new HumanMessage("x")]';
    expect(() => compile(flow)).toThrow(/chatPromptTemplate_0 \(chatPromptTemplate\): messageHistory code is not supported/);
  });

  it('decides streaming from the models, the ending node and chatbotConfig (§2.6)', () => {
    const base = () => llmChainFlow({ model: 'm', basepath: 'http://x', credential: 'c' });
    expect(isFlowStreamable(compile(base()), false)).toBe(true);
    expect(isFlowStreamable(compile(base()), postProcessingEnabled(parseChatbotConfig('{"postProcessing":{"enabled":true}}')))).toBe(false);
    expect(postProcessingEnabled(parseChatbotConfig('not json'))).toBe(false);
    const off = base();
    (off.nodes[0] as MutableNode).data.inputs.streaming = 'false';
    expect(isFlowStreamable(compile(off), false)).toBe(false);
    const legacy = base();
    delete (legacy.nodes[0] as MutableNode).data.inputs.streaming;
    expect(isFlowStreamable(compile(legacy), false)).toBe(true);
    const unset = base();
    (unset.nodes[0] as MutableNode).data.inputs.streaming = '';
    expect(isFlowStreamable(compile(unset), false)).toBe(false);
  });

  it('resolves the session id in the documented order', () => {
    const flow = conversationFlow({ model: 'm', basepath: 'http://x', credential: 'c' });
    (flow.nodes[1] as MutableNode).data.inputs.sessionId = 'memory-session';
    const plan = compile(flow);
    expect(resolveSessionId(plan, { overrideSessionId: 'o', requestChatId: 'r', runChatId: 'g' })).toBe('o');
    expect(resolveSessionId(plan, { requestChatId: 'r', runChatId: 'g' })).toBe('r');
    expect(resolveSessionId(plan, { runChatId: 'g' })).toBe('memory-session');
  });
});

describe('overrideConfig', () => {
  const plan = compile(llmChainFlow({ model: 'm', basepath: 'http://x', credential: 'c' }));
  const settings = parseOverrideSettings(
    JSON.stringify({
      overrideConfig: {
        status: true,
        nodes: { ChatOpenAI: [{ name: 'temperature', enabled: true }, { name: 'stopSequence', enabled: false }], 'Prompt Template': [{ name: 'promptValues', enabled: true }] },
        variables: [{ name: 'allowed', enabled: true }, { name: 'blocked', enabled: false }],
      },
    }),
  );

  it('applies enabled params only, by label, by node id, merging objects', () => {
    const applied = applyOverrides(
      plan,
      { temperature: '0.1', stopSequence: 'X', promptValues: { extra: 'v' }, vars: { allowed: 1, blocked: 2 }, sessionId: 's' },
      settings,
    );
    expect(applied.inputs.get('chatOpenAI_0')).toMatchObject({ temperature: '0.1' });
    expect(applied.inputs.get('chatOpenAI_0')!.stopSequence).toBeUndefined();
    expect(applied.inputs.get('promptTemplate_0')!.promptValues).toEqual({ question: '{{question}}', extra: 'v' });
    expect(applied.vars).toEqual({ allowed: 1 });
    const byId = applyOverrides(plan, { temperature: { chatOpenAI_0: 0.7, other_9: 1 } }, settings);
    expect(byId.inputs.get('chatOpenAI_0')!.temperature).toBe(0.7);
    expect(applyOverrides(plan, { temperature: 'true' }, settings).inputs.get('chatOpenAI_0')!.temperature).toBe(true);
    // The plan itself is never changed.
    expect(plan.allNodes.get('chatOpenAI_0')!.inputs.temperature).toBe(0.9);
  });

  it('applies nothing when the chatflow does not enable overrides', () => {
    const off = parseOverrideSettings(JSON.stringify({ overrideConfig: { status: false, nodes: { ChatOpenAI: [{ name: 'temperature', enabled: true }] } } }));
    expect(applyOverrides(plan, { temperature: 0.1 }, off).inputs.size).toBe(0);
    expect(parseOverrideSettings('not json').enabled).toBe(false);
  });
});
