import { z } from 'zod';
import type { EngineServices } from '../../engine/nodes/node-definition.js';
import { MAX_OBSERVATION_CHARS, capObservation } from '../../engine/agents/tool-execution.js';
import { parseToolSchema, toolSchemaToZod } from '../../engine/tools/tool-schema.js';
import { type SandboxFailure, SandboxError } from '../../sandbox/code-sandbox.js';
import { AppError } from '../../shared/app-error.js';
import { parseInput } from '../schemas/parse.js';

/** `POST /api/v1/tools/test` body: the (unsaved) code, its schema as the tools API takes it, and the arguments. */
export const toolTestBody = z.strictObject({
  func: z.string({ error: 'must be a string (the JavaScript function body)' }).refine((code) => code.trim() !== '', 'must not be empty'),
  /** JSON text or the array itself, as `POST /api/v1/tools` takes it. */
  schema: z.unknown().optional(),
  /** One value per schema property, as the model would send them. */
  input: z.record(z.string(), z.unknown(), { error: 'must be an object of argument values' }).optional(),
});

/**
 * What a test-run answers (HTTP 200): the code's result, or why it failed; `durationMs` is wall-clock time.
 * An output (or error) over MAX_OBSERVATION_CHARS is cut as a flow cuts the tool's observation (same note), and
 * `outputLength` gives its full length in characters, so a runaway tool cannot flood the editor.
 */
export type ToolTestResult =
  | { ok: true; output: string; kind: 'string' | 'json' | 'undefined'; durationMs: number; outputLength?: number }
  | { ok: false; failure: SandboxFailure; error: string; durationMs: number };

/**
 * Runs a tool's code once, as the customTool node would run it when a model calls the tool: the same
 * sandbox (limits, outbound policy), each argument as `$<property>` (dates as `Date`), the stored `$vars`,
 * and a `$flow` of an empty run. Bad bodies and arguments that do not match the schema are 400s naming the
 * field; whatever the code does (throw, spin, allocate, fetch a refused address) is an `ok: false` result.
 * `signal` stops the code (the client went away).
 */
export async function testRunTool(services: EngineServices | undefined, body: unknown, signal: AbortSignal): Promise<ToolTestResult> {
  const { func, schema, input } = parseInput(toolTestBody, body);
  let properties;
  try {
    properties = parseToolSchema(schema);
  } catch (error) {
    throw new AppError('VALIDATION_FAILED', 400, (error as Error).message);
  }
  // A required argument left out is "required", not the type error coercing nothing gives (NaN, undefined).
  const given = (input ?? {}) as Record<string, unknown>;
  const missing = properties.find((p) => p.required && (given[p.property] === undefined || given[p.property] === null));
  if (missing) throw new AppError('VALIDATION_FAILED', 400, `input.${missing.property}: required`);
  const checked = toolSchemaToZod(properties).strict().safeParse(input ?? {});
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const where = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => `input.${key}`).join(', ') : `input.${issue.path.join('.')}`;
    const message = issue.code === 'unrecognized_keys' ? 'not a property of the schema' : issue.message;
    throw new AppError('VALIDATION_FAILED', 400, `${where}: ${message}`);
  }
  const sandbox = services?.sandbox;
  if (!sandbox) throw new AppError('SHUTTING_DOWN', 503, 'This server has no sandbox to run custom tools in');

  const vars = (await services.variables?.load()) ?? {};
  const globals: Record<string, unknown> = {
    $vars: vars,
    $flow: { chatflowId: '', sessionId: '', chatId: '', input: '', state: {} },
  };
  for (const [name, value] of Object.entries(checked.data)) if (value !== undefined) globals[`$${name}`] = value;
  const dateGlobals = properties.filter((p) => p.type === 'date').map((p) => `$${p.property}`);

  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const result = await sandbox.run({ code: func, globals, dateGlobals }, signal);
    const output = result.kind === 'undefined' ? '' : result.text;
    const cut = output.length > MAX_OBSERVATION_CHARS ? { outputLength: output.length } : {};
    return { ok: true, output: capObservation(output), kind: result.kind, durationMs: elapsed(), ...cut };
  } catch (error) {
    // Nobody reads this answer; it is a client's choice, not a server error in the log.
    if (signal.aborted) throw new AppError('RUN_ABORTED', 409, 'The test run was stopped: the client closed the connection');
    if (!(error instanceof SandboxError)) throw error;
    if (error.failure === 'CLOSED') throw new AppError('SHUTTING_DOWN', 503, 'The server is shutting down');
    return { ok: false, failure: error.failure, error: capObservation(error.message), durationMs: elapsed() };
  }
}
