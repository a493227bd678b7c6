import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../../src/engine/catalogue/node-catalogue.js';
import { SUPPORTED_NODES } from '../../src/engine/nodes/node-registry.js';
import { copySelection, pasteClip } from '../../ui/src/flow/clipboard.js';
import { type Graph, connect, disconnect, isValidConnection, removeNodes } from '../../ui/src/flow/connections.js';
import { type EditorNode, FlowDataError, jsonErrorMessage, loadFlow, saveFlow } from '../../ui/src/flow/flow-data.js';
import { handleInputName, handleTypes, inputHandleId, outputHandleId, uniqueNodeId } from '../../ui/src/flow/handle-ids.js';
import { chooseDraft, draftKey, parseDraftKey } from '../../ui/src/flow/draft-choice.js';
import { History } from '../../ui/src/flow/history.js';
import { activeOutputHandle, initNode } from '../../ui/src/flow/init-node.js';
import { arrange } from '../../ui/src/flow/layout.js';
import type { CatalogueNode } from '../../ui/src/flow/types.js';
import { findProblems, problemFromError } from '../../ui/src/flow/validation.js';

const catalogue = buildCatalogue(SUPPORTED_NODES) as unknown as CatalogueNode[];
const byName = new Map(catalogue.map((n) => [n.name, n]));
const def = (name: string) => byName.get(name)!;

function llmChainGraph(): Graph {
  const nodes = [initNode(def('chatOpenAI'), 'chatOpenAI_0', { x: 0, y: 0 }), initNode(def('promptTemplate'), 'promptTemplate_0', { x: 0, y: 400 }), initNode(def('llmChain'), 'llmChain_0', { x: 400, y: 0 })];
  return { nodes, edges: [] };
}

const link = (graph: Graph, source: string, target: string, input: string) => {
  const src = graph.nodes.find((n) => n.id === source)!;
  const tgt = graph.nodes.find((n) => n.id === target)!;
  const targetHandle = [...tgt.data.inputAnchors, ...tgt.data.inputParams].find((i) => i.name === input)!.id!;
  return { source, target, sourceHandle: activeOutputHandle(src.data.outputAnchors[0]!, src.data.outputs)!, targetHandle };
};

describe('handle ids', () => {
  it("are Flowise's: <node>-input-<name>-<Type> and <node>-output-<name>-<T1|T2>", () => {
    expect(inputHandleId('llmChain_0', 'model', 'BaseLanguageModel')).toBe('llmChain_0-input-model-BaseLanguageModel');
    expect(outputHandleId('chatOpenAI_0', 'chatOpenAI', ['ChatOpenAI', 'BaseChatModel'])).toBe('chatOpenAI_0-output-chatOpenAI-ChatOpenAI|BaseChatModel');
    expect(handleTypes('llmChain_0-output-outputPrediction-string|json')).toEqual(['string', 'json']);
    expect(handleInputName('promptTemplate_0-input-promptValues-json')).toBe('promptValues');
  });

  it('initNode puts the credential first, anchors apart, and the multi-output choice on llmChain', () => {
    const openai = initNode(def('chatOpenAI'), 'chatOpenAI_1', { x: 0, y: 0 });
    expect(openai.data.inputParams[0]).toMatchObject({ name: 'credential', type: 'credential', id: 'chatOpenAI_1-input-credential-credential', credentialNames: ['openAIApi'] });
    expect(openai.data.inputAnchors.map((a) => a.id)).toEqual(['chatOpenAI_1-input-cache-BaseCache']);
    expect(openai.data.inputs.modelName).toBe('gpt-4o-mini');
    expect(openai.data.credential).toBe('');
    const chain = initNode(def('llmChain'), 'llmChain_0', { x: 0, y: 0 });
    expect(chain.data.outputs).toEqual({ output: 'llmChain' });
    expect(chain.data.outputAnchors[0]!.options!.map((o) => o.id)).toEqual(['llmChain_0-output-llmChain-LLMChain|BaseChain|Runnable', 'llmChain_0-output-outputPrediction-string|json']);
    expect(activeOutputHandle(chain.data.outputAnchors[0]!, { output: 'outputPrediction' })).toBe('llmChain_0-output-outputPrediction-string|json');
  });

  it('new ids take the smallest free number', () => {
    expect(uniqueNodeId('llmChain', ['llmChain_0', 'llmChain_2'])).toBe('llmChain_1');
  });
});

describe('connection rules', () => {
  it('accept intersecting types and refuse others', () => {
    const g = llmChainGraph();
    expect(isValidConnection(g, link(g, 'chatOpenAI_0', 'llmChain_0', 'model'))).toBe(true);
    expect(isValidConnection(g, { ...link(g, 'chatOpenAI_0', 'llmChain_0', 'model'), targetHandle: 'llmChain_0-input-prompt-BasePromptTemplate' })).toBe(false);
    expect(isValidConnection(g, link(g, 'promptTemplate_0', 'llmChain_0', 'prompt'))).toBe(true);
  });

  it('give a non-list input one edge, a list input several, and refuse self-loops and cycles', () => {
    let g = llmChainGraph();
    g = connect(g, link(g, 'chatOpenAI_0', 'llmChain_0', 'model'));
    expect(g.nodes.find((n) => n.id === 'llmChain_0')!.data.inputs.model).toBe('{{chatOpenAI_0.data.instance}}');
    g = { ...g, nodes: [...g.nodes, initNode(def('chatOpenAI'), 'chatOpenAI_1', { x: 0, y: 0 })] };
    expect(isValidConnection(g, link(g, 'chatOpenAI_1', 'llmChain_0', 'model'))).toBe(false);
    const prompt = initNode(def('promptTemplate'), 'promptTemplate_1', { x: 0, y: 0 });
    const chain2 = initNode(def('llmChain'), 'llmChain_1', { x: 0, y: 0 });
    chain2.data.outputs = { output: 'outputPrediction' };
    g = { ...g, nodes: [...g.nodes, prompt, chain2] };
    // llmChain_1 (outputPrediction: string|json) → promptTemplate_1.promptValues (json, acceptVariable)
    const intoValues = link(g, 'llmChain_1', 'promptTemplate_1', 'promptValues');
    expect(isValidConnection(g, intoValues)).toBe(true);
    g = connect(g, intoValues);
    expect(isValidConnection(g, intoValues)).toBe(false); // the same edge twice
    // promptTemplate_1 → llmChain_1 would close a cycle
    expect(isValidConnection(g, link(g, 'promptTemplate_1', 'llmChain_1', 'prompt'))).toBe(false);
    expect(isValidConnection(g, { ...link(g, 'llmChain_1', 'promptTemplate_1', 'promptValues'), source: 'promptTemplate_1' })).toBe(false);
  });

  it('disconnecting and deleting clear the references the edges wrote', () => {
    let g = llmChainGraph();
    g = connect(g, link(g, 'chatOpenAI_0', 'llmChain_0', 'model'));
    g = connect(g, link(g, 'promptTemplate_0', 'llmChain_0', 'prompt'));
    const after = disconnect(g, [g.edges[0]!.id]);
    expect(after.edges).toHaveLength(1);
    expect(after.nodes.find((n) => n.id === 'llmChain_0')!.data.inputs.model).toBe('');
    const removed = removeNodes(g, ['promptTemplate_0']);
    expect(removed.nodes.map((n) => n.id)).toEqual(['chatOpenAI_0', 'llmChain_0']);
    expect(removed.edges).toHaveLength(1);
    expect(removed.nodes.find((n) => n.id === 'llmChain_0')!.data.inputs.prompt).toBe('');
  });
});

describe('undo stack', () => {
  it('undoes and redoes, groups a burst under one key, and a new change drops the redo branch', () => {
    const h = new History<number>();
    h.record(0);
    h.record(1, 'typing');
    h.record(2, 'typing'); // same burst: not a step
    expect(h.undo(3)).toBe(1);
    expect(h.undo(1)).toBe(0);
    expect(h.undo(0)).toBeUndefined();
    expect(h.redo(0)).toBe(1);
    expect(h.redo(1)).toBe(3);
    h.undo(3);
    h.record(1);
    expect(h.canRedo).toBe(false);
  });

  it('keeps at most `limit` steps', () => {
    const h = new History<number>(3);
    for (let i = 0; i < 10; i += 1) h.record(i);
    expect([h.undo(10), h.undo(9), h.undo(8), h.undo(7)]).toEqual([9, 8, 7, undefined]);
  });
});

describe('flowData round trip', () => {
  it("keeps Flowise's shape: v11 width/height/positionAbsolute out, sizes and ids back", () => {
    let g = llmChainGraph();
    g = connect(g, link(g, 'chatOpenAI_0', 'llmChain_0', 'model'));
    const saved = saveFlow(g.nodes as EditorNode[], g.edges, { x: 5, y: 6, zoom: 0.75 });
    const withSizes = { ...saved, nodes: saved.nodes.map((n) => ({ ...n, width: 300, height: 512 })) };
    const loaded = loadFlow(JSON.stringify(withSizes), byName);
    expect(loaded.nodes[0]).not.toHaveProperty('width');
    expect(loaded.nodes[0]!.measured).toEqual({ width: 300, height: 512 });
    const again = saveFlow(loaded.nodes, loaded.edges, loaded.viewport);
    expect(again).toEqual(withSizes);
    expect(again.nodes[0]).toMatchObject({ width: 300, height: 512, positionAbsolute: { x: 0, y: 0 }, type: 'customNode' });
  });

  it('refuses what is not a chatflow, naming the problem', () => {
    expect(() => loadFlow('nope', byName)).toThrow(FlowDataError);
    expect(() => loadFlow({ nodes: [] }, byName)).toThrow(/"nodes" and "edges"/);
    expect(() => loadFlow({ nodes: [{ id: 'a', data: { name: 'x' } }], edges: [{ source: 'a', target: 'b' }] }, byName)).toThrow(/missing node b/);
  });

  it('arranges imported nodes without positions left to right', () => {
    let g = llmChainGraph();
    g = connect(g, link(g, 'chatOpenAI_0', 'llmChain_0', 'model'));
    const raw = saveFlow(g.nodes as EditorNode[], g.edges);
    const loaded = loadFlow({ ...raw, nodes: raw.nodes.map(({ position: _p, ...n }) => n) }, byName);
    expect(loaded.needsLayout).toBe(true);
    const placed = arrange(loaded.nodes, loaded.edges);
    const x = (id: string) => placed.find((n) => n.id === id)!.position.x;
    expect(x('llmChain_0')).toBeGreaterThan(x('chatOpenAI_0'));
  });
});

describe('copy and paste', () => {
  it('merges a selection with fresh ids; handles and inner references follow, outer ones are dropped', () => {
    let g = llmChainGraph();
    g = connect(g, link(g, 'chatOpenAI_0', 'llmChain_0', 'model'));
    g = connect(g, link(g, 'promptTemplate_0', 'llmChain_0', 'prompt'));
    const clip = copySelection(g.nodes as EditorNode[], g.edges, new Set(['chatOpenAI_0', 'llmChain_0']));
    expect(clip.edges).toHaveLength(1);
    const pasted = pasteClip(clip, g.nodes as EditorNode[]);
    expect(pasted.nodes.map((n) => n.id)).toEqual(['chatOpenAI_1', 'llmChain_1']);
    const chain = pasted.nodes[1]!;
    expect(chain.data.id).toBe('llmChain_1');
    expect(chain.data.inputs.model).toBe('{{chatOpenAI_1.data.instance}}');
    expect(chain.data.inputs.prompt).toBe('');
    expect(chain.data.inputAnchors[0]!.id).toBe('llmChain_1-input-model-BaseLanguageModel');
    expect(pasted.edges[0]).toMatchObject({ source: 'chatOpenAI_1', target: 'llmChain_1', targetHandle: 'llmChain_1-input-model-BaseLanguageModel' });
  });
});

describe('validation on the node', () => {
  it('lists empty required inputs and a missing credential', () => {
    const problems = findProblems(llmChainGraph().nodes as EditorNode[]);
    expect(problems).toContainEqual({ nodeId: 'chatOpenAI_0', message: 'Connect a credential' });
    expect(problems).toContainEqual({ nodeId: 'llmChain_0', message: 'Language Model is required' });
  });

  it("maps a server error to its node by nodeId, else by the id its message names", () => {
    const ids = ['llmChain_0', 'llmChain_01'];
    expect(problemFromError({ nodeId: 'llmChain_0', message: 'm' }, ids)).toEqual({ nodeId: 'llmChain_0', message: 'm' });
    expect(problemFromError({ message: 'Node llmChain_01 (llmChain): missing required input "prompt"' }, ids)?.nodeId).toBe('llmChain_01');
    expect(problemFromError({ message: 'nothing' }, ids)).toBeUndefined();
  });

  it('says on which line and column pasted JSON breaks, also for V8 messages that only quote the text', () => {
    const messageFor = (text: string) => {
      try {
        JSON.parse(text);
      } catch (error) {
        return jsonErrorMessage(text, error);
      }
      throw new Error('parsed');
    };
    // V8 quotes 10 characters each side of an unexpected token instead of giving its position.
    expect(messageFor('{\n  "nodes": [,], "edges": []}')).toBe("This is not JSON: line 2, column 13: Unexpected token ','");
    expect(messageFor('{"a": tru}')).toBe("This is not JSON: line 1, column 10: Unexpected token '}'");
    expect(messageFor('[1,\n x]')).toBe("This is not JSON: line 2, column 2: Unexpected token 'x'");
    expect(messageFor('{"a":1,}')).toMatch(/^This is not JSON: line 1, column 8: /);
  });

  it("offers a tab its own draft, else (a fresh tab) the newest other tab's draft written after the last save", () => {
    const draft = (savedAt: string) => ({ name: 'n', flowData: '{}', savedAt });
    const entries = [
      { tabId: 'a', draft: draft('2026-01-01T10:00:00Z') },
      { tabId: 'b', draft: draft('2026-01-01T12:00:00Z') },
      { tabId: 'c', draft: draft('2026-01-01T11:00:00Z') },
    ];
    expect(chooseDraft(entries, 'a', '2026-01-01T13:00:00Z')?.tabId).toBe('a');
    expect(chooseDraft(entries, 'fresh', '2026-01-01T10:30:00Z')?.tabId).toBe('b');
    expect(chooseDraft(entries, 'fresh', '2026-01-01T13:00:00Z')).toBeUndefined();
    expect(chooseDraft(entries, 'fresh')?.tabId).toBe('b');
    expect(parseDraftKey(draftKey('flow-1', 'tab-9'))).toEqual({ chatflowId: 'flow-1', tabId: 'tab-9' });
    expect(parseDraftKey(draftKey(undefined, 'tab-9'))).toEqual({ chatflowId: 'new', tabId: 'tab-9' });
  });
});
