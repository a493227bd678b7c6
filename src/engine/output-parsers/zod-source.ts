import { z } from 'zod';

/**
 * Reads Zod schema *source text* (what advancedStructuredOutputParser's `exampleJson` holds) into a real
 * Zod schema without executing anything: a small tokenizer and recursive-descent parser accept only
 *
 *   z.object({ key: <schema>, … })   z.array(<schema>)   z.string()   z.number()   z.boolean()
 *   z.date() (an ISO 8601 string)    z.enum(["a", "b", …])
 *
 * followed by any of `.optional() .nullable() .int() .min(n) .max(n) .describe("…") .default(<literal>)
 * .array()`. Any schema may be the top level (Flowise accepts only `z.object`); `//` and `/* *\/`
 * comments and trailing commas are allowed. Anything else is a ZodSourceError naming the position.
 */
export class ZodSourceError extends Error {}

type Token =
  | { type: 'ident'; value: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: 'punct'; value: string; at: number }
  | { type: 'end'; at: number };

const PUNCT = new Set(['.', '(', ')', '{', '}', '[', ']', ',', ':', '-']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) i += 1;
    else if (source.startsWith('//', i)) i = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end === -1) throw new ZodSourceError(`unclosed comment at ${i}`);
      i = end + 2;
    } else if (/[A-Za-z_$]/.test(ch)) {
      const match = /^[A-Za-z_$][\w$]*/.exec(source.slice(i))![0];
      tokens.push({ type: 'ident', value: match, at: i });
      i += match.length;
    } else if (/[0-9]/.test(ch)) {
      const match = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i))![0];
      tokens.push({ type: 'number', value: Number(match), at: i });
      i += match.length;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      let value = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== ch; j += 1) {
        if (source[j] === '\\') {
          j += 1;
          const escaped = source[j];
          value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : (escaped ?? '');
        } else if (ch === '`' && source.startsWith('${', j)) {
          throw new ZodSourceError(`template interpolation is not allowed (at ${j})`);
        } else {
          value += source[j];
        }
      }
      if (j >= source.length) throw new ZodSourceError(`unclosed string at ${i}`);
      tokens.push({ type: 'string', value, at: i });
      i = j + 1;
    } else if (PUNCT.has(ch)) {
      tokens.push({ type: 'punct', value: ch, at: i });
      i += 1;
    } else {
      throw new ZodSourceError(`unexpected character "${ch}" at ${i}`);
    }
  }
  tokens.push({ type: 'end', at: source.length });
  return tokens;
}

type AnySchema = z.ZodType;
type Bounds = { min?: number; max?: number };

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.type !== 'end') this.index += 1;
    return token;
  }

  private fail(message: string, token = this.peek()): never {
    throw new ZodSourceError(`${message} at ${token.at}`);
  }

  private expect(value: string): void {
    const token = this.next();
    if (token.type !== 'punct' || token.value !== value) this.fail(`expected "${value}"`, token);
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.type === 'punct' && token.value === value;
  }

  private ident(): string {
    const token = this.next();
    if (token.type !== 'ident') this.fail('expected a name', token);
    return token.value;
  }

  parseRoot(): AnySchema {
    if (this.peek().type === 'end') this.fail('expected a schema such as z.object({ answer: z.string() }), found none');
    const schema = this.schema();
    if (this.peek().type !== 'end') this.fail('unexpected text after the schema');
    return schema;
  }

  private schema(): AnySchema {
    if (this.ident() !== 'z') this.fail('a schema must start with z.');
    this.expect('.');
    let schema = this.base(this.ident());
    // .min()/.max() of the schema being built (an .array() starts a new one).
    let bounds: Bounds = {};
    while (this.isPunct('.')) {
      this.next();
      const name = this.ident();
      if (name === 'array') bounds = {};
      schema = this.modifier(schema, name, bounds);
    }
    return schema;
  }

  private base(name: string): AnySchema {
    this.expect('(');
    let schema: AnySchema;
    if (name === 'string') schema = z.string();
    else if (name === 'number') schema = z.number();
    else if (name === 'boolean') schema = z.boolean();
    else if (name === 'date') schema = z.string().describe('an ISO 8601 date');
    else if (name === 'array') schema = z.array(this.schema());
    else if (name === 'object') schema = z.object(this.shape());
    else if (name === 'enum') {
      const values = this.literal();
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
        this.fail('z.enum() takes a non-empty array of strings');
      }
      schema = z.enum(values as [string, ...string[]]);
    } else {
      this.fail(`z.${name}() is not supported`);
    }
    this.expect(')');
    return schema;
  }

  private shape(): Record<string, AnySchema> {
    const shape: Record<string, AnySchema> = {};
    this.expect('{');
    while (!this.isPunct('}')) {
      const key = this.next();
      if (key.type !== 'ident' && key.type !== 'string') this.fail('expected a property name', key);
      const name = String(key.value);
      if (name === '__proto__') this.fail('a property may not be named __proto__', key);
      if (Object.hasOwn(shape, name)) this.fail(`property "${name}" appears twice`, key);
      this.expect(':');
      shape[name] = this.schema();
      if (!this.isPunct(',')) break;
      this.next();
    }
    this.expect('}');
    return shape;
  }

  private modifier(schema: AnySchema, name: string, bounds: Bounds): AnySchema {
    this.expect('(');
    const at = this.peek();
    const call = schema as unknown as Record<string, (...args: unknown[]) => AnySchema>;
    let result: AnySchema;
    if (['optional', 'nullable', 'int', 'array'].includes(name)) {
      if (name === 'int' && !(schema instanceof z.ZodNumber)) this.fail('.int() needs a number');
      result = call[name]!.call(schema);
    } else if (name === 'min' || name === 'max') {
      const value = this.literal();
      if (typeof value !== 'number') this.fail(`.${name}() takes a number`);
      if (!(schema instanceof z.ZodNumber || schema instanceof z.ZodString || schema instanceof z.ZodArray)) {
        this.fail(`.${name}() needs a number, string or array schema`);
      }
      this.checkBound(schema, name, value as number, bounds, at);
      result = call[name]!.call(schema, value);
    } else if (name === 'describe') {
      const value = this.literal();
      if (typeof value !== 'string') this.fail('.describe() takes a string');
      result = schema.describe(value);
    } else if (name === 'default') {
      const value = this.literal();
      // A default the schema refuses would make every answer without that value fail at run time.
      if (!schema.safeParse(value).success) this.fail(`.default(${JSON.stringify(value)}) does not match its schema`, at);
      result = (schema as unknown as { default(value: unknown): AnySchema }).default(value);
    } else {
      this.fail(`.${name}() is not supported`);
    }
    this.expect(')');
    return result;
  }

  /** Lengths are whole and not negative, and no minimum is above its maximum (no answer could match). */
  private checkBound(schema: AnySchema, name: 'min' | 'max', value: number, bounds: Bounds, at: Token): void {
    const length = !(schema instanceof z.ZodNumber);
    if (length && (!Number.isInteger(value) || value < 0)) this.fail(`.${name}() of a length takes a whole number of at least 0`, at);
    bounds[name] = value;
    if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
      this.fail(`.min(${bounds.min}) is above .max(${bounds.max})`, at);
    }
  }

  /** A JSON-like literal: string, number (maybe negative), true/false/null, array or object of literals. */
  private literal(): unknown {
    const token = this.next();
    if (token.type === 'string' || token.type === 'number') return token.value;
    if (token.type === 'punct' && token.value === '-') {
      const number = this.next();
      if (number.type !== 'number') this.fail('expected a number', number);
      return -number.value;
    }
    if (token.type === 'ident' && ['true', 'false', 'null'].includes(token.value)) return JSON.parse(token.value) as unknown;
    if (token.type === 'punct' && token.value === '[') {
      const items: unknown[] = [];
      while (!this.isPunct(']')) {
        items.push(this.literal());
        if (!this.isPunct(',')) break;
        this.next();
      }
      this.expect(']');
      return items;
    }
    if (token.type === 'punct' && token.value === '{') {
      const object = Object.create(null) as Record<string, unknown>;
      while (!this.isPunct('}')) {
        const key = this.next();
        if (key.type !== 'ident' && key.type !== 'string') this.fail('expected a property name', key);
        this.expect(':');
        object[String(key.value)] = this.literal();
        if (!this.isPunct(',')) break;
        this.next();
      }
      this.expect('}');
      return object;
    }
    return this.fail('expected a literal value', token);
  }
}

/** Parses Zod source text into a schema; throws ZodSourceError naming what is not allowed and where. */
export function parseZodSource(source: string): z.ZodType {
  return new Parser(tokenize(source)).parseRoot();
}
