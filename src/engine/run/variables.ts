import { stringifyValue } from '../prompts/template.js';

/**
 * `{{…}}` expressions inside node inputs (flowise-nodes.md §2.2). Node references and the run's
 * variables are resolved here; the engine decides per input whether a reference replaces the whole
 * value (normal inputs) or is inserted as text (`acceptVariable` params).
 */
const EXPRESSION = /\{\{\s*([^{}]+?)\s*\}\}/g;
const NODE_REFERENCE = /^([A-Za-z0-9_-]+)\.data\.instance(?:\.(.+))?$/;

export interface VariableScope {
  question: string;
  /** The ending node's memory as `Human: …`/`Assistant: …` lines; loaded only when used. */
  chatHistory: () => Promise<string>;
  fileAttachment: string;
  instances: ReadonlyMap<string, unknown>;
  vars: Readonly<Record<string, unknown>>;
  flow: Readonly<Record<string, unknown>>;
}

/** Node ids referenced as `{{id.data.instance…}}` anywhere inside a value. */
export function referencedNodeIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    for (const match of value.matchAll(EXPRESSION)) {
      const ref = NODE_REFERENCE.exec(match[1]!);
      if (ref) into.add(ref[1]!);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) referencedNodeIds(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) referencedNodeIds(item, into);
  }
  return into;
}

function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  if (typeof current === 'string') {
    try {
      current = JSON.parse(current) as unknown;
    } catch {
      return undefined;
    }
  }
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function instanceValue(expression: string, scope: VariableScope): { found: boolean; value?: unknown } {
  const ref = NODE_REFERENCE.exec(expression);
  if (!ref) return { found: false };
  const instance = scope.instances.get(ref[1]!);
  return { found: true, value: ref[2] ? readPath(instance, ref[2]) : instance };
}

/** A normal input: a node reference makes the whole value that node's instance; else text variables. */
export function resolveInputValue(value: unknown, scope: VariableScope): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveInputValue(item, scope));
  if (typeof value !== 'string' || !value.includes('{{')) return value;
  for (const match of value.matchAll(EXPRESSION)) {
    const ref = instanceValue(match[1]!, scope);
    if (ref.found) return ref.value;
  }
  return substituteGlobals(value, scope);
}

/**
 * `{{$vars.x}}` and `{{$flow.x}}`: text substitution, valid in any input. Unknown names stay as written.
 * Only own properties count: `{{$vars.toString}}` or `{{$vars.__proto__}}` never reach Object.prototype.
 */
export function substituteGlobals(text: string, scope: Pick<VariableScope, 'vars' | 'flow'>): string {
  return text.replace(EXPRESSION, (whole, expression: string) => {
    if (expression.startsWith('$vars.')) {
      const name = expression.slice('$vars.'.length);
      return Object.hasOwn(scope.vars, name) ? stringifyValue(scope.vars[name]) : whole;
    }
    if (expression.startsWith('$flow.')) {
      const key = expression.slice('$flow.'.length);
      return Object.hasOwn(scope.flow, key) ? stringifyValue(scope.flow[key]) : whole;
    }
    return whole;
  });
}

/**
 * A variables map without a prototype, built from `sources` in order (later names win): a name such as
 * `__proto__` is an ordinary key in it, and no inherited property looks like a variable.
 */
export function variablesMap(...sources: ReadonlyArray<Readonly<Record<string, unknown>>>): Record<string, unknown> {
  const map = Object.create(null) as Record<string, unknown>;
  for (const source of sources) for (const [name, value] of Object.entries(source)) map[name] = value;
  return map;
}

/** Text of an `acceptVariable` param: every expression is inserted as text. */
export async function resolveVariableText(text: string, scope: VariableScope): Promise<string> {
  if (!text.includes('{{')) return reverseEscapeTokens(text);
  const history = text.includes('chat_history') ? await scope.chatHistory() : '';
  const replaced = text.replace(EXPRESSION, (whole, expression: string) => {
    if (expression === 'question') return scope.question;
    if (expression === 'chat_history') return history;
    if (expression === 'file_attachment') return scope.fileAttachment;
    const ref = instanceValue(expression, scope);
    if (ref.found) return stringifyValue(ref.value);
    return substituteGlobals(whole, scope);
  });
  return reverseEscapeTokens(replaced);
}

/** Flowise escapes special characters in stored prompt values with these tokens; we turn them back. */
const ESCAPE_TOKENS: Array<[RegExp, string]> = [
  [/FLOWISE_DOUBLE_QUOTE/g, '"'],
  [/FLOWISE_NEWLINE/g, '\n'],
  [/FLOWISE_TAB/g, '\t'],
  [/FLOWISE_BACKSLASH/g, '\\'],
  [/FLOWISE_CARRIAGE_RETURN/g, '\r'],
  [/FLOWISE_BACKSPACE/g, '\b'],
  [/FLOWISE_FORM_FEED/g, '\f'],
];

export function reverseEscapeTokens(text: string): string {
  if (!text.includes('FLOWISE_')) return text;
  let out = text;
  for (const [pattern, replacement] of ESCAPE_TOKENS) out = out.replace(pattern, replacement);
  return out;
}
