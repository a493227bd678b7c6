import { abortReason } from '../run/call-model.js';
import { type TraceFrame, traced } from '../run/node-tracer.js';
import type { RunContext } from '../nodes/node-definition.js';
import { ARTIFACTS_PREFIX, type AgentTool, SOURCE_DOCUMENTS_PREFIX, TOOL_ARGS_PREFIX, toolCallConfig } from '../tools/agent-tool.js';

/** One entry of a result's `usedTools` (Flowise's IUsedTool). */
export interface UsedTool {
  tool: string;
  toolInput: unknown;
  toolOutput: string;
  error?: string;
}

/** A call the model asked for. */
export interface RequestedCall {
  id?: string;
  name: string;
  args: unknown;
}

/** What one call gave: the observation for the model, and what the run's result collects. */
export interface CallOutcome {
  call: RequestedCall;
  observation: string;
  tool?: AgentTool;
  used?: UsedTool;
  sourceDocuments: unknown[];
  artifacts: unknown[];
}

/** Observations longer than this are cut (with a note saying so), so a tool cannot flood the prompt. */
export const MAX_OBSERVATION_CHARS = 100_000;

/** Flowise's observation for a tool the model named but the agent does not have. */
export const unknownToolObservation = (name: string) => `${name} is not a valid tool, try another one.`;

function asText(output: unknown): string {
  if (typeof output === 'string') return output;
  const content = (output as { content?: unknown } | null)?.content; // a ToolMessage
  if (typeof content === 'string') return content;
  if (output === undefined || output === null) return '';
  return JSON.stringify(output);
}

/** Splits `text + PREFIX + json` and parses the JSON; a payload that is not JSON is dropped. */
function cutPayload(text: string, prefix: string): { text: string; payload?: unknown } {
  const at = text.indexOf(prefix);
  if (at === -1) return { text };
  const rest = text.slice(at + prefix.length);
  let payload: unknown;
  try {
    payload = JSON.parse(rest);
  } catch {
    payload = undefined;
  }
  return { text: text.slice(0, at), payload };
}

const listOf = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** An observation as the model gets it: at most MAX_OBSERVATION_CHARS, then a note of the full length. */
export function capObservation(text: string): string {
  if (text.length <= MAX_OBSERVATION_CHARS) return text;
  return `${text.slice(0, MAX_OBSERVATION_CHARS)}\n[output cut at ${MAX_OBSERVATION_CHARS} of ${text.length} characters]`;
}

/** Waits for `promise`, but rejects as soon as the run's signal fires (a tool may ignore the signal). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one tool call. An unknown tool or a failing tool is not an error of the run: its message
 * becomes the observation the model sees next (and a failing tool's `usedTools` entry has `error`).
 * Aborting the run rejects at once, whatever the tool does with the signal. A traced run times the call
 * as the tool node's span inside `caller` (the agent's span; calls made in parallel must name it) and
 * records it on the agent's trace entry.
 */
export async function executeToolCall(
  call: RequestedCall,
  tools: ReadonlyMap<string, AgentTool>,
  ctx: RunContext,
  caller: TraceFrame | undefined = ctx.trace?.current(),
): Promise<CallOutcome> {
  const tool = tools.get(call.name.toLowerCase());
  if (!tool) return { call, observation: unknownToolObservation(call.name), sourceDocuments: [], artifacts: [] };
  let output: unknown;
  try {
    output = await traced(ctx.trace, tool, () => untilAborted(tool.invoke(call.args as never, toolCallConfig(ctx)), ctx.signal), caller);
  } catch (error) {
    if (ctx.signal.aborted) throw abortReason(ctx.signal);
    const message = errorText(error);
    ctx.trace?.recordToolCall({ tool: tool.name, toolInput: call.args, toolOutput: capObservation(message) }, caller);
    return {
      call,
      tool,
      observation: capObservation(message),
      used: { tool: tool.name, toolInput: call.args, toolOutput: '', error: message },
      sourceDocuments: [],
      artifacts: [],
    };
  }
  const documents = cutPayload(asText(output), SOURCE_DOCUMENTS_PREFIX);
  const artifacts = cutPayload(documents.text, ARTIFACTS_PREFIX);
  const args = cutPayload(artifacts.text, TOOL_ARGS_PREFIX);
  const observation = capObservation(args.text);
  ctx.trace?.recordToolCall({ tool: tool.name, toolInput: args.payload ?? call.args, toolOutput: observation }, caller);
  return {
    call,
    tool,
    observation,
    used: { tool: tool.name, toolInput: args.payload ?? call.args, toolOutput: observation },
    sourceDocuments: listOf(documents.payload),
    artifacts: listOf(artifacts.payload),
  };
}

/** Tools by lower-cased name, as Flowise's executor looks them up. */
export function toolsByName(tools: readonly AgentTool[]): Map<string, AgentTool> {
  return new Map(tools.map((tool) => [tool.name.toLowerCase(), tool]));
}
