import { z } from 'zod';

/**
 * A custom tool's input schema as Flowise stores it (Tool.schema, JSON text): one row per argument,
 * `[{property, type, description, required}]`, type `string | number | boolean | date`
 * (Flowise's `convertSchemaToZod`). Extra fields (the editor's row `id`) are kept and ignored.
 */
export interface ToolSchemaProperty {
  property: string;
  type: 'string' | 'number' | 'boolean' | 'date';
  description: string;
  required: boolean;
}

/** A name the code can use as `$<property>` and every provider accepts as a parameter name. */
const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const rowSchema = z.looseObject({
  property: z
    .string({ error: 'must be a string' })
    .regex(PROPERTY_NAME, 'must start with a letter or _ and hold only letters, digits and _ (at most 64), so the code can read it as $<property>'),
  type: z.enum(['string', 'number', 'boolean', 'date'], { error: 'must be one of string, number, boolean, date' }),
  description: z.string({ error: 'must be a string' }).optional().default(''),
  required: z
    .union([z.boolean(), z.literal('true'), z.literal('false')], { error: 'must be true or false' })
    .optional()
    .transform((value) => value === true || value === 'true'),
});

/**
 * Parses a stored or submitted schema (JSON text or the array itself); empty means no arguments.
 * Throws an Error naming the first bad row and field.
 */
export function parseToolSchema(value: unknown): ToolSchemaProperty[] {
  if (value === undefined || value === null || value === '') return [];
  let rows: unknown = value;
  if (typeof value === 'string') {
    try {
      rows = JSON.parse(value);
    } catch {
      throw new Error('schema is not valid JSON (expected an array of {property, type, description, required})');
    }
  }
  if (!Array.isArray(rows)) throw new Error('schema must be an array of {property, type, description, required}');
  const properties: ToolSchemaProperty[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const parsed = rowSchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`schema[${index}]${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
    }
    if (seen.has(parsed.data.property)) throw new Error(`schema[${index}].property: "${parsed.data.property}" appears twice`);
    seen.add(parsed.data.property);
    const { property, type, description, required } = parsed.data;
    properties.push({ property, type, description, required });
  });
  return properties;
}

/**
 * Models sometimes send `"42"` for a number; Flowise converts such strings, and so does coercion (a
 * preprocess step would be lost: LangChain drops transforms when it turns the schema into JSON Schema).
 */
const looseNumber = z.coerce.number<unknown>();
const dateText = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date (ISO 8601, e.g. 2024-05-06 or 2024-05-06T10:00:00Z)');

/**
 * The zod object a tool call's arguments are checked with (and that becomes the tool's JSON schema for
 * the model). `date` arguments travel as ISO strings and become `Date` objects inside the sandbox.
 */
export function toolSchemaToZod(properties: readonly ToolSchemaProperty[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const { property, type, description, required } of properties) {
    let field: z.ZodType =
      type === 'number' ? looseNumber : type === 'boolean' ? z.boolean() : type === 'date' ? dateText : z.string();
    field = field.describe(type === 'date' ? `${description} (a date, ISO 8601)`.trim() : description);
    shape[property] = required ? field : field.optional();
  }
  return z.object(shape);
}
