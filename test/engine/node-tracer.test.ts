import { describe, expect, it } from 'vitest';
import { RunAbortedError } from '../../src/engine/errors.js';
import type { RunEvent } from '../../src/engine/events/run-event.js';
import { NodeTracer, traced } from '../../src/engine/run/node-tracer.js';

const node = (id: string) => ({ id, label: id.toUpperCase(), name: id });

function tracer() {
  const events: RunEvent[] = [];
  return { events, trace: new NodeTracer({ emit: (e) => events.push(e) }) };
}

/** Returns once `ms` of wall time passed: the work a slow call stands for (the tracer measures it). */
async function busyFor(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('NodeTracer', () => {
  it("puts a call on an owned object on its owner's time, nested calls excluded from the caller's", async () => {
    const { events, trace } = tracer();
    const model = {};
    const tool = {};
    trace.own(model, node('model_0'));
    trace.own([tool], node('tool_0'));
    await trace.time(node('agent_0'), async () => {
      await trace.timeCall(model, () => busyFor(120));
      // Parallel calls name their caller: each is the agent's child, not its sibling's.
      const caller = trace.current();
      await Promise.all([trace.timeCall(tool, () => busyFor(80), caller), trace.timeCall(tool, () => busyFor(80), caller)]);
      trace.recordToolCall({ tool: 'calc', toolInput: { input: '1+1' }, toolOutput: '2' });
    });
    // Calls on objects no node owns stay on the caller.
    await trace.time(node('agent_0'), () => trace.timeCall({}, () => busyFor(30)));
    const entries = trace.finish({ status: 'completed' });
    expect(entries.map((e) => e.nodeId)).toEqual(['agent_0', 'model_0', 'tool_0']);
    const byId = Object.fromEntries(entries.map((e) => [e.nodeId, e]));
    expect(byId.model_0!.durationMs).toBeGreaterThanOrEqual(120);
    expect(byId.tool_0!.durationMs).toBeGreaterThanOrEqual(160);
    expect(byId.agent_0!.durationMs).toBeGreaterThanOrEqual(30);
    expect(byId.agent_0!.durationMs).toBeLessThan(byId.model_0!.durationMs!);
    expect(byId.agent_0!.toolCalls).toEqual([{ tool: 'calc', toolInput: { input: '1+1' }, toolOutput: '2' }]);
    expect(entries.every((e) => e.status === 'completed')).toBe(true);
    // One running event per node, when it first started; finals are the runner's to emit.
    expect(events.map((e) => (e.event === 'node' ? `${e.data.nodeId}:${e.data.status}` : e.event))).toEqual(['agent_0:running', 'model_0:running', 'tool_0:running']);
  });

  it('a failure marks the node it is about with the error, and the nodes it went through as failed', async () => {
    const { trace } = tracer();
    const model = {};
    trace.own(model, node('model_0'));
    await trace.time(node('prompt_0'), async () => undefined);
    await expect(trace.time(node('chain_0'), () => trace.timeCall(model, () => Promise.reject(new Error('401'))))).rejects.toThrow('401');
    const failed = trace.finish({ status: 'failed', error: 'LLM call failed: 401', nodeId: 'model_0' });
    expect(failed.map((e) => [e.nodeId, e.status, e.error])).toEqual([
      ['prompt_0', 'completed', undefined],
      ['chain_0', 'failed', undefined],
      ['model_0', 'failed', 'LLM call failed: 401'],
    ]);
    // A failure that names no node: the nodes it went through carry its message.
    expect(trace.finish({ status: 'failed', error: 'boom' }).filter((e) => e.error === 'boom').map((e) => e.nodeId)).toEqual(['chain_0', 'model_0']);
  });

  it('an abort marks the nodes it interrupted as aborted, the others completed', async () => {
    const { trace } = tracer();
    const model = {};
    trace.own(model, node('model_0'));
    await trace.time(node('prompt_0'), async () => undefined);
    let abort = () => undefined as void;
    const signalled = new Promise<void>((resolve) => (abort = resolve));
    const running = trace.time(node('chain_0'), () =>
      trace.timeCall(model, async () => {
        await signalled;
        throw new RunAbortedError();
      }),
    );
    abort();
    await expect(running).rejects.toThrow(RunAbortedError);
    expect(trace.finish({ status: 'aborted' }).map((e) => [e.nodeId, e.status])).toEqual([
      ['prompt_0', 'completed'],
      ['chain_0', 'aborted'],
      ['model_0', 'aborted'],
    ]);
  });

  it('a run nobody streams gets no running events, and the same final entries', async () => {
    const events: RunEvent[] = [];
    const quiet = new NodeTracer({ emit: (e) => events.push(e) }, { announce: false });
    await quiet.time(node('chain_0'), async () => undefined);
    expect(events).toEqual([]);
    expect(quiet.finish({ status: 'completed' }).map((e) => [e.nodeId, e.status])).toEqual([['chain_0', 'completed']]);
  });

  it('an untraced run just runs its calls', async () => {
    expect(await traced(undefined, {}, async () => 42)).toBe(42);
  });
});
