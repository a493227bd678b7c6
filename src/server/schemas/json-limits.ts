import { AppError } from '../../shared/app-error.js';

/**
 * How deeply objects and arrays may nest in a JSON request body and in the JSON-string fields of a
 * chatflow (flowData, chatbotConfig, apiConfig, ...). A top-level object is level 1. Much deeper values
 * break later on (JSON.stringify's recursion when a run or a row is written, the renderers of the UI).
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Keys refused anywhere in a JSON body: they would reach an object's prototype when merged with
 * spread or Object.assign (prototype pollution), and no Flowise client sends them.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor']);

export type JsonProblem =
  /** `path`: the top-level field under which the nesting goes too deep. */
  | { kind: 'too-deep'; path: string }
  | { kind: 'forbidden-key'; key: string; path: string }
  | { kind: 'nul'; path: string };

interface Visit {
  value: unknown;
  depth: number;
  parent?: Visit;
  key?: string | number;
}

/** `overrideConfig.vars[2].name`; the path of the top value is `root` itself. */
function pathOf(visit: Visit, root: string): string {
  const parts: string[] = [];
  for (let at: Visit | undefined = visit; at?.parent; at = at.parent) {
    parts.push(typeof at.key === 'number' ? `[${at.key}]` : `.${at.key}`);
  }
  const path = parts.reverse().join('');
  if (root) return `${root}${path}`;
  return path.startsWith('.') ? path.slice(1) : path;
}

/** The top-level field a visit is under (a path 100 levels long would say less). */
function topLevel(visit: Visit): Visit {
  let at = visit;
  while (at.parent?.parent) at = at.parent;
  return at;
}

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/**
 * The first problem in a parsed JSON value, walked without recursion (a hostile value may nest
 * thousands of levels): nesting deeper than `maxDepth`, a key named __proto__ or constructor (unless `keys`
 * is false), or, with
 * `nul`, a NUL character (U+0000) in a string or a key (PostgreSQL's text refuses it). Paths
 * are named from `root`.
 */
export function findJsonProblem(
  value: unknown,
  options: { root?: string; maxDepth?: number; nul?: boolean; keys?: boolean } = {},
): JsonProblem | undefined {
  const checkKeys = options.keys ?? true;
  const root = options.root ?? '';
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const stack: Visit[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const current = visit.value;
    if (typeof current === 'string') {
      if (options.nul && hasNul(current)) return { kind: 'nul', path: pathOf(visit, root) };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const depth = visit.depth + 1;
    if (depth > maxDepth) return { kind: 'too-deep', path: pathOf(topLevel(visit), root) };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth, parent: visit, key: i });
      continue;
    }
    for (const key of Object.keys(current)) {
      const child: Visit = { value: (current as Record<string, unknown>)[key], depth, parent: visit, key };
      if (checkKeys && FORBIDDEN_KEYS.has(key)) return { kind: 'forbidden-key', key, path: pathOf(child, root) };
      if (options.nul && hasNul(key)) return { kind: 'nul', path: pathOf(child, root) };
      stack.push(child);
    }
  }
  return undefined;
}

/** The message of a problem, for the thing named `what` ("Request body", "flowData"). */
export function describeJsonProblem(problem: JsonProblem, what: string): string {
  const at = problem.path ? ` (at ${problem.path})` : '';
  switch (problem.kind) {
    case 'too-deep':
      return `${what} nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels${problem.path ? ` (under ${problem.path})` : ''}, the most this server accepts`;
    case 'forbidden-key':
      return `${what} has a key named "${problem.key}"${at}: keys named __proto__ or constructor are not allowed`;
    case 'nul':
      return `${problem.path || what}: must not contain NUL characters (\\u0000)`;
  }
}

/** The 400 a request gets for a problem in its JSON body. */
export function jsonProblemError(problem: JsonProblem): AppError {
  const message = describeJsonProblem(problem, 'Request body');
  return new AppError(problem.kind === 'nul' ? 'VALIDATION_FAILED' : 'INVALID_JSON', 400, message);
}

/** Refuses NUL in a text field that does not come from a JSON body (query, URL, form fields). */
export function refuseNul(text: string, name: string): void {
  if (hasNul(text)) throw new AppError('VALIDATION_FAILED', 400, `${name}: must not contain NUL characters (\\u0000)`);
}

/** `{ value }` when `text` is JSON, else undefined (the caller's own checks report it). */
export function tryParseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * For a zod refinement of a JSON text (a chatflow's flowData, chatbotConfig, ...; a form field carrying
 * JSON): the message of its first problem (see findJsonProblem), or undefined when it has none or is
 * not JSON at all.
 */
export function jsonTextProblem(parsed: { value: unknown } | undefined, options: { nul?: boolean; keys?: boolean }): string | undefined {
  const problem = parsed && findJsonProblem(parsed.value, options);
  return problem ? describeJsonProblem(problem, 'the JSON') : undefined;
}

/** The message when a stored JSON string nests deeper than MAX_JSON_DEPTH (keys and NUL are not its concern). */
export function jsonTextTooDeep(text: string | null | undefined): string | undefined {
  return typeof text === 'string' ? jsonTextProblem(tryParseJson(text), { keys: false }) : undefined;
}
