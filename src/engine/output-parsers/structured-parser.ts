import { z } from 'zod';
import { type OutputParserInstance, OutputParseError, parseJsonText } from './output-parser.js';

/**
 * A parser that wants JSON matching a Zod schema (structuredOutputParser, advancedStructuredOutputParser).
 * The instructions show the schema as JSON Schema; parsing strips a code fence, repairs the JSON and
 * validates it, so the answer is the schema's output (defaults filled in).
 */
export function structuredParser(schema: z.ZodType, autofix: boolean): OutputParserInstance {
  const jsonSchema = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete jsonSchema.$schema;
  const formatInstructions = [
    'Answer with JSON only: one JSON value that matches the JSON Schema below, in a ```json code block.',
    'Use exactly the property names and types the schema gives, and add no comments or trailing commas.',
    '```json',
    JSON.stringify(jsonSchema),
    '```',
  ].join('\n');
  return {
    kind: 'outputParser',
    autofix,
    formatInstructions,
    parse(text) {
      const value = parseJsonText(text);
      const checked = schema.safeParse(value);
      if (!checked.success) {
        throw new OutputParseError(`The model's JSON does not match the schema: ${z.prettifyError(checked.error)}`, text);
      }
      return checked.data;
    },
  };
}

/** Flowise's jsonStructure rows: `{property, type: string|number|boolean|date, description, required?}`. */
const rowSchema = z.object({
  property: z.string().min(1),
  type: z.enum(['string', 'number', 'boolean', 'date']).default('string'),
  description: z.string().optional(),
  required: z.union([z.boolean(), z.literal('true'), z.literal('false')]).optional(),
});

/** The object schema of a structuredOutputParser datagrid (a JSON string or an array); throws on bad rows. */
export function schemaFromRows(rows: unknown): z.ZodType {
  const parsed = typeof rows === 'string' ? (JSON.parse(rows) as unknown) : rows;
  const list = z.array(rowSchema).parse(parsed ?? []);
  const shape: Record<string, z.ZodType> = {};
  for (const row of list) {
    let field: z.ZodType =
      row.type === 'number' ? z.number() : row.type === 'boolean' ? z.boolean() : row.type === 'date' ? z.string().describe('an ISO 8601 date') : z.string();
    if (row.description) field = field.describe(row.description);
    shape[row.property] = row.required === true || row.required === 'true' ? field : field.optional();
  }
  return z.object(shape);
}
