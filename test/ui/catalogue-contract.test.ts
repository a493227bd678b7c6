import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputClasses } from '../../src/engine/graph/flow-graph.js';
import { resolveGraph } from '../../src/engine/graph/resolve-graph.js';
import { FlowValidationError } from '../../src/engine/errors.js';
import { createNodeRegistry } from '../../src/engine/nodes/node-registry.js';
import { type Graph, connect, isValidConnection } from '../../ui/src/flow/connections.js';
import { type EditorNode, loadFlow, saveFlow } from '../../ui/src/flow/flow-data.js';
import { uniqueNodeId } from '../../ui/src/flow/handle-ids.js';
import { activeOutputHandle, initNode, nodeHandleIds } from '../../ui/src/flow/init-node.js';
import type { CatalogueNode, FlowNode, NodeParam } from '../../ui/src/flow/types.js';
import { TEST_ADMIN_KEY, type RunningServer, startServer, testEnv } from '../support/test-server.js';

/**
 * The contract between the served catalogue and the engine, over every node the registry holds (no
 * hard-coded list): the editor's own `initNode` builds nodes whose handles connect exactly where the
 * engine accepts the link, whose flows the graph resolver accepts, and example flows round-trip.
 */
let server: RunningServer;
let served: CatalogueNode[];
const registry = createNodeRegistry();

beforeAll(async () => {
  server = await startServer(testEnv());
  const response = await fetch(`${server.url}/api/v1/nodes`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  expect(response.status).toBe(200);
  served = (await response.json()) as CatalogueNode[];
});
afterAll(() => server?.close());

const runnable = () => served.filter((n) => n.name !== 'stickyNote');
const isEnding = (def: CatalogueNode) => ['Chains', 'Agents'].includes(def.category) && Boolean(registry.get(def.name)?.run);

/** A value that passes the engine's "required" check for a param of this type. */
function sampleValue(param: NodeParam): unknown {
  if (param.default !== undefined && param.default !== '') return param.default;
  if (param.type === 'options') return param.options?.[0]?.name ?? 'x';
  if (param.type === 'number') return 1;
  if (param.type === 'boolean') return false;
  if (param.type === 'json') return '{}';
  return param.placeholder ?? 'x';
}

interface Builder {
  graph: Graph;
  add(def: CatalogueNode): string;
}

function builder(): Builder {
  const b: Builder = {
    graph: { nodes: [], edges: [] },
    add(def) {
      const id = uniqueNodeId(def.name, b.graph.nodes.map((n) => n.id));
      const node = initNode(def, id, { x: b.graph.nodes.length * 350, y: 0 });
      for (const param of node.data.inputParams) {
        if (param.type === 'credential') node.data.credential = 'credential-id';
        else if (!param.optional && (node.data.inputs[param.name] === '' || node.data.inputs[param.name] === undefined)) node.data.inputs[param.name] = sampleValue(param);
      }
      b.graph = { ...b.graph, nodes: [...b.graph.nodes, node] };
      return id;
    },
  };
  return b;
}

const nodeOf = (g: Graph, id: string) => g.nodes.find((n) => n.id === id)!;

/** Connects a provider to every required anchor of `id`, recursively (depth-bounded). */
function satisfy(b: Builder, id: string, depth: number): boolean {
  for (const anchor of nodeOf(b.graph, id).data.inputAnchors) {
    const current = nodeOf(b.graph, id).data.inputs[anchor.name];
    if (anchor.optional || (current !== '' && current !== undefined && !(Array.isArray(current) && current.length === 0))) continue;
    const ok = runnable().some((candidate) => {
      if (depth > 4 || candidate.name === nodeOf(b.graph, id).data.name) return false;
      const before = b.graph;
      const sourceId = b.add(candidate);
      const source = nodeOf(b.graph, sourceId);
      const link = { source: sourceId, target: id, sourceHandle: activeOutputHandle(source.data.outputAnchors[0]!, source.data.outputs)!, targetHandle: anchor.id! };
      if (isValidConnection(b.graph, link) && satisfy(b, sourceId, depth + 1)) {
        b.graph = connect(b.graph, link);
        return true;
      }
      b.graph = before;
      return false;
    });
    if (!ok) return false;
  }
  return true;
}

/** Errors about wiring mean the editor and the engine disagree; value checks of sample params do not. */
function expectWiringAccepted(graph: Graph): void {
  const flow = saveFlow(graph.nodes as EditorNode[], graph.edges);
  try {
    resolveGraph(JSON.parse(JSON.stringify(flow)), registry);
  } catch (error) {
    if (!(error instanceof FlowValidationError)) throw error;
    expect(error.message).not.toMatch(/connected|refers to|no edge|needs a|Ending node|ending nodes|cycle|credential|missing required input/);
  }
}

describe('node catalogue contract', () => {
  it('serves every node the engine runs, plus the sticky note', () => {
    expect(served.map((n) => n.name).sort()).toEqual([...registry.keys(), 'stickyNote'].sort());
    for (const def of served) {
      expect(def).toMatchObject({ label: expect.any(String), name: expect.any(String), version: expect.any(Number), type: expect.any(String), icon: expect.any(String), category: expect.any(String), description: expect.any(String) });
      expect(def.baseClasses.length).toBeGreaterThan(0);
      for (const input of def.inputs) expect(input).toMatchObject({ label: expect.any(String), name: expect.any(String), type: expect.any(String) });
    }
  });

  it("accepts a connection in the editor exactly when the engine accepts that anchor's type", () => {
    let pairs = 0;
    for (const target of runnable()) {
      for (const source of runnable()) {
        const b = builder();
        const targetId = b.add(target);
        const sourceId = b.add(source);
        const src = nodeOf(b.graph, sourceId);
        for (const anchor of nodeOf(b.graph, targetId).data.inputAnchors) {
          for (const sourceHandle of nodeHandleIds(src.data).output) {
            const editorSays = isValidConnection(b.graph, { source: sourceId, target: targetId, sourceHandle, targetHandle: anchor.id! });
            const definition = registry.get(source.name)!;
            const output = sourceHandle.split('-output-')[1]!.split('-')[0]!;
            const engineSays = outputClasses(definition, { output }).includes(anchor.type) && target.name !== source.name;
            if (sourceHandle.includes('-output-outputPrediction-')) continue; // a value output, not an instance
            expect(editorSays, `${source.name} → ${target.name}.${anchor.name}`).toBe(engineSays);
            pairs += 1;
          }
        }
      }
    }
    expect(pairs).toBeGreaterThan(0);
  });

  it('builds, for every ending node, a flow from the palette that the graph resolver accepts', () => {
    const endings = runnable().filter(isEnding);
    expect(endings.length).toBeGreaterThan(0);
    for (const ending of endings) {
      const b = builder();
      const id = b.add(ending);
      expect(satisfy(b, id, 0), `no provider for a required input of ${ending.name}`).toBe(true);
      expectWiringAccepted(b.graph);
    }
  });

  it('places every other node in some accepted flow, connected by its handle ids', () => {
    /** Connects `sourceId`'s first output to some anchor of `targetId`; false when none accepts it. */
    const link = (b: Builder, sourceId: string, targetId: string): boolean => {
      const sourceHandle = nodeHandleIds(nodeOf(b.graph, sourceId).data).output[0]!;
      const anchor = nodeOf(b.graph, targetId).data.inputAnchors.find((a) => isValidConnection(b.graph, { source: sourceId, target: targetId, sourceHandle, targetHandle: a.id! }));
      if (!anchor) return false;
      b.graph = connect(b.graph, { source: sourceId, target: targetId, sourceHandle, targetHandle: anchor.id! });
      return true;
    };
    // A node feeds an ending node directly, or through nodes between (a splitter feeds a loader, which
    // feeds a vector store, which feeds a chain): find the shortest such path over the editor's own
    // connection rule, then build it and let the engine judge the wiring.
    const all = runnable();
    const feeds = new Map<string, CatalogueNode[]>();
    for (const a of all) {
      feeds.set(a.name, all.filter((b) => {
        if (a.name === b.name) return false;
        const probe = builder();
        return link(probe, probe.add(a), probe.add(b));
      }));
    }
    const pathToEnding = (start: CatalogueNode): CatalogueNode[] | undefined => {
      const queue: CatalogueNode[][] = [[start]];
      const seen = new Set([start.name]);
      while (queue.length > 0) {
        const path = queue.shift()!;
        if (path.length > 5) return undefined;
        for (const next of feeds.get(path.at(-1)!.name) ?? []) {
          if (isEnding(next)) return [...path, next];
          if (seen.has(next.name)) continue;
          seen.add(next.name);
          queue.push([...path, next]);
        }
      }
      return undefined;
    };
    for (const def of all.filter((d) => !isEnding(d))) {
      const path = pathToEnding(def);
      expect(path, `${def.name} connects to no ending node`).toBeDefined();
      const b = builder();
      const ids = path!.map((node) => b.add(node));
      for (let i = 0; i + 1 < ids.length; i += 1) expect(link(b, ids[i]!, ids[i + 1]!)).toBe(true);
      const placed = [...ids].reverse().every((id) => satisfy(b, id, 0));
      expect(placed, `${path!.map((n) => n.name).join(' → ')}: a required input finds no provider`).toBe(true);
      expectWiringAccepted(b.graph);
    }
  });

  it('round-trips every example flow: load, save, same graph, handles present, still valid', () => {
    const dir = path.resolve('examples');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const catalogue = new Map(served.map((n) => [n.name, n]));
    for (const file of files) {
      const original = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: FlowNode[]; edges: Array<Record<string, string>> };
      const loaded = loadFlow(JSON.stringify(original), catalogue);
      const saved = saveFlow(loaded.nodes, loaded.edges, loaded.viewport);
      expect(saved.nodes.map((n) => [n.id, n.type, n.position, n.data.name, n.data.inputs])).toEqual(original.nodes.map((n) => [n.id, n.type, n.position, n.data.name, expect.objectContaining(n.data.inputs)]));
      expect(saved.edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle])).toEqual(original.edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle]));
      for (const edge of saved.edges) {
        expect(nodeHandleIds(saved.nodes.find((n) => n.id === edge.source)!.data).output).toContain(edge.sourceHandle);
        expect(nodeHandleIds(saved.nodes.find((n) => n.id === edge.target)!.data).inputs).toContain(edge.targetHandle);
      }
      // As the README says for imports: give the chat models a credential, then the flow runs.
      for (const node of saved.nodes) if (node.data.inputParams.some((p) => p.type === 'credential')) node.data.credential = 'credential-id';
      expect(() => resolveGraph(JSON.parse(JSON.stringify(saved)), registry), file).not.toThrow();
    }
  });

  it('serves an icon for every node, falling back to its category', async () => {
    for (const def of served) {
      const response = await fetch(`${server.url}/api/v1/node-icon/${def.name}`);
      expect(response.status, def.name).toBe(200);
      expect(response.headers.get('content-type')).toContain('image/svg+xml');
      expect(await response.text()).toMatch(/^<svg /);
    }
    expect((await fetch(`${server.url}/api/v1/node-icon/noSuchNode`)).status).toBe(404);
  });
});
