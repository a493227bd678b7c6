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
export interface TraceFrame {
  readonly nodeId: string;
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
 * Times a run's nodes. Each built object is registered with the node that built it (`own`); a call
 * made on it (`timeCall`: an LLM call, a tool run, a retrieval; embeddings through `withTracedEmbeddings`) is
 * timed as that node's span, nested in the span of whoever made it, so each node's `durationMs` is its
 * own time (see NodeTraceEntry). The caller's span is the innermost one open, unless the call site names
 * it (parallel tool calls do: each is its agent's child, not its sibling's). Plain bookkeeping per span,
 * no async context: nothing is added per promise or per token. Emits a `running` entry when a node
 * starts (`announce`); `finish` builds the final entries.
 */
export class NodeTracer {
  private readonly nodes = new Map<string, Tracked>();
  private readonly owners = new Map<object, TracedNode>();
  /** Spans open now, in opening order. */
  private readonly open: TraceFrame[] = [];

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

  /** The innermost span open now (the caller of a call that starts now). */
  current(): TraceFrame | undefined {
    return this.open[this.open.length - 1];
  }

  /** Runs `step` as a span of `node` inside `parent` (default: the innermost open span). */
  async time<T>(node: TracedNode, step: () => Promise<T>, parent: TraceFrame | undefined = this.current()): Promise<T> {
    let tracked = this.nodes.get(node.id);
    if (!tracked) {
      const entry: NodeTraceEntry = { nodeId: node.id, label: node.label, name: node.name, status: 'running', startedAt: new Date().toISOString() };
      tracked = { entry, ownMs: 0, threw: false, toolCalls: [] };
      this.nodes.set(node.id, tracked);
      if (this.options.announce) this.sink.emit({ event: 'node', data: { ...entry } });
    }
    const frame: TraceFrame = { nodeId: node.id, childMs: 0 };
    this.open.push(frame);
    const started = performance.now();
    try {
      return await step();
    } catch (error) {
      tracked.threw = true;
      throw error;
    } finally {
      const elapsed = performance.now() - started;
      this.open.splice(this.open.lastIndexOf(frame), 1);
      // Parallel children (an agent's tool calls) may add up to more than the parent waited.
      tracked.ownMs += Math.max(0, elapsed - frame.childMs);
      if (parent) parent.childMs += elapsed;
    }
  }

  /** Runs `step`, a call made on `instance`, as a span of the node that built it (else just runs it). */
  timeCall<T>(instance: unknown, step: () => Promise<T>, parent?: TraceFrame): Promise<T> {
    const node = typeof instance === 'object' && instance !== null ? this.owners.get(instance) : undefined;
    if (!node) return step();
    return parent ? this.time(node, step, parent) : this.time(node, step);
  }

  /** Records a tool call on the node of `caller` (default: the innermost open span, the agent). */
  recordToolCall(call: NodeToolCall, caller: TraceFrame | undefined = this.current()): void {
    if (caller) this.nodes.get(caller.nodeId)?.toolCalls.push(call);
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

/** `trace.timeCall(…)` for call sites whose run may not be traced. */
export function traced<T>(trace: NodeTracer | undefined, instance: unknown, step: () => Promise<T>, parent?: TraceFrame): Promise<T> {
  return trace ? trace.timeCall(instance, step, parent) : step();
}
