/**
 * Prompt templates with Flowise's brace rules (flowise-nodes.md §2.2): `{name}` is a variable; a
 * single-brace group containing `:` (`{ "a": 1 }`) is literal text; `\{`, `\}`, `{{` and `}}` are
 * literal braces.
 */
export type TemplatePart = { literal: string } | { variable: string };

export interface ParsedTemplate {
  parts: TemplatePart[];
  variables: string[];
}

export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const variables: string[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '\\' && (next === '{' || next === '}')) {
      literal += next;
      i += 2;
    } else if ((ch === '{' && next === '{') || (ch === '}' && next === '}')) {
      literal += ch;
      i += 2;
    } else if (ch === '{') {
      const close = text.indexOf('}', i + 1);
      const inner = close === -1 ? undefined : text.slice(i + 1, close);
      if (inner === undefined || inner.includes(':') || inner.includes('{') || inner.trim() === '') {
        literal += ch;
        i += 1;
        continue;
      }
      if (literal) parts.push({ literal });
      literal = '';
      const name = inner.trim();
      parts.push({ variable: name });
      if (!variables.includes(name)) variables.push(name);
      i = close + 1;
    } else {
      literal += ch;
      i += 1;
    }
  }
  if (literal) parts.push({ literal });
  return { parts, variables };
}

export function renderTemplate(template: ParsedTemplate, values: Record<string, unknown>): string {
  let out = '';
  for (const part of template.parts) {
    if ('literal' in part) out += part.literal;
    else out += stringifyValue(values[part.variable]);
  }
  return out;
}

export function stringifyValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
