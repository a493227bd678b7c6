import { AsyncLocalStorage } from 'node:async_hooks';
import type { NodeToolCall, NodeTraceEntry, RunEventSink } from '../events/run-event.js';

/** What the tracer needs to know of a node (a PlanNode is one). */
export interface TracedNode {
  id: string;
  label: string;
  name: string;
}

/** How the run ended, as the runner classified it (the failure's message and the node it is about). */
export type TraceOutcome = { status: 'completed' } | { status: 'failed'; error: string; nodeId?: string } | { status: 'aborted' };

/** A span of work done for one node; `childMs` is the part spent in other nodes' spans opened within it. */
interface Frame {
  tracer: NodeTracer;
  nodeId: string;
  childMs: number;
}

interface Tracked {
  entry: NodeTraceEntry;
  ownMs: number;
  /** A span of this node ended by throwing (the failure or abort went through it). */
  threw: boolean;
  toolCalls: NodeToolCall[];
}

/**
 * The span open where code runs now. Async context (not an argument) because the objects that do the
 * work (a cached chat model, an embeddings wrapper) are shared between runs and flows; only the call
 * knows which run it belongs to. Cost: one store per async resource, none per token.
 */
const current = new AsyncLocalStorage<Frame>();

/**
 * Times a run's nodes. Each built object is registered with the node that built it (`own`); a call
 * made on it (`traceCall`: an LLM call, a tool run, a retrieval, an embedding) is timed as that node's
 * span, nested in the span of whoever made it, so each node's `durationMs` is its own time (see
 * NodeTraceEntry). Emits a `running` entry when a node starts; `finish` builds the final entries.
 * Node events are a few per run, never per token.
 */
export class NodeTracer {
  private readonly nodes = new Map<string, Tracked>();
  private readonly owners = new Map<object, TracedNode>();

  /**
   * `announce: false` leaves out the `running` events (a run nobody streams: no reader would see them,
   * and in queue mode each would cost a Redis publish); the final entries are the runner's to emit.
   */
  constructor(
    private readonly sink: RunEventSink,
    private readonly options: { announce: boolean } = { announce: true },
  ) {}

  /** Registers what a node built (an array: each element too, as tool nodes may build several tools). */
  own(instance: unknown, node: TracedNode): void {
    if (typeof instance !== 'object' || instance === null) return;
    this.owners.set(instance, node);
    if (Array.isArray(instance)) for (const item of instance) this.own(item, node);
  }

  ownerOf(instance: object): TracedNode | undefined {
    return this.owners.get(instance);
  }

  /** Runs `step` as a span of `node`; the node starts (a `running` event) with its first span. */
  async time<T>(node: TracedNode, step: () => Promise<T>): Promise<T> {
    let tracked = this.nodes.get(node.id);
    if (!tracked) {
      const entry: NodeTraceEntry = { nodeId: node.id, label: node.label, name: node.name, status: 'running', startedAt: new Date().toISOString() };
      tracked = { entry, ownMs: 0, threw: false, toolCalls: [] };
      this.nodes.set(node.id, tracked);
      if (this.options.announce) this.sink.emit({ event: 'node', data: { ...entry } });
    }
    const parent = current.getStore();
    const frame: Frame = { tracer: this, nodeId: node.id, childMs: 0 };
    const started = performance.now();
    try {
      return await current.run(frame, step);
    } catch (error) {
      tracked.threw = true;
      throw error;
    } finally {
      const elapsed = performance.now() - started;
      // Parallel children (an agent's tool calls) may add up to more than the parent waited.
      tracked.ownMs += Math.max(0, elapsed - frame.childMs);
      if (parent?.tracer === this) parent.childMs += elapsed;
    }
  }

  /** Records a tool call on the node whose span is open (the agent that made it). */
  recordToolCall(call: NodeToolCall): void {
    const frame = current.getStore();
    if (frame?.tracer === this) this.nodes.get(frame.nodeId)?.toolCalls.push(call);
  }

  /**
   * The final entries, in start order. A failed run: the node the failure is about gets `failed` and
   * the error; other nodes the failure went through are `failed` too (with the error when the failure
   * names no node). An aborted run: the nodes the abort went through are `aborted`.
   */
  finish(outcome: TraceOutcome): NodeTraceEntry[] {
    const entries: NodeTraceEntry[] = [];
    for (const tracked of this.nodes.values()) {
      const entry: NodeTraceEntry = { ...tracked.entry, status: 'completed', durationMs: Math.round(tracked.ownMs * 10) / 10 };
      if (outcome.status === 'failed') {
        const blamed = outcome.nodeId === entry.nodeId;
        if (blamed || tracked.threw) entry.status = 'failed';
        if (blamed || (tracked.threw && !outcome.nodeId)) entry.error = outcome.error;
      } else if (outcome.status === 'aborted' && tracked.threw) {
        entry.status = 'aborted';
      }
      if (tracked.toolCalls.length > 0) entry.toolCalls = [...tracked.toolCalls];
      entries.push(entry);
    }
    return entries;
  }
}

/**
 * Runs `step`, a call made on `instance` (a model, tool, retriever, embeddings), as a span of the node
 * that built it when a traced run made the call; else just runs it.
 */
export function traceCall<T>(instance: unknown, step: () => Promise<T>): Promise<T> {
  const frame = current.getStore();
  const node = frame && typeof instance === 'object' && instance !== null ? frame.tracer.ownerOf(instance) : undefined;
  return node ? frame!.tracer.time(node, step) : step();
}

/** Records an agent's tool call on the traced node now running (no-op outside a traced run). */
export function recordToolCall(call: NodeToolCall): void {
  current.getStore()?.tracer.recordToolCall(call);
}
