import { FlowValidationError } from '../errors.js';
import type { OutputParserInstance } from '../output-parsers/output-parser.js';
import { schemaFromRows, structuredParser } from '../output-parsers/structured-parser.js';
import { ZodSourceError, parseZodSource } from '../output-parsers/zod-source.js';
import { asBoolean } from './input-values.js';
import type { InputSpec, NodeDefinition } from './node-definition.js';

/** Output parsers hang off llmChain's `outputParser` anchor; a flow with one never streams (§2.6). */
const PARSER_BASE_CLASSES = ['BaseLLMOutputParser', 'BaseOutputParser', 'Runnable'];

const AUTOFIX_INPUT: InputSpec = {
  name: 'autofixParser',
  kind: 'param',
  type: 'boolean',
  label: 'Autofix',
  optional: true,
  description: 'When the answer cannot be parsed, send it back to the same model once to be corrected',
};

export const csvOutputParser: NodeDefinition = {
  name: 'csvOutputParser',
  label: 'CSV Output Parser',
  version: 1,
  type: 'CSVListOutputParser',
  description: 'Asks for a comma-separated list and answers it as a JSON array of strings.',
  icon: 'csv',
  category: 'Output Parsers',
  baseClasses: ['CSVListOutputParser', ...PARSER_BASE_CLASSES],
  inputs: [AUTOFIX_INPUT],
  async build(ctx): Promise<OutputParserInstance> {
    return {
      kind: 'outputParser',
      autofix: asBoolean(ctx.inputs.autofixParser) ?? false,
      formatInstructions: 'Answer with a list of comma-separated values and nothing else, e.g. `red, green, blue`.',
      // As LangChain's comma-separated list parser: split on commas, trim each item.
      parse: (text) => text.trim().split(',').map((item) => item.trim()),
    };
  },
};

export const DEFAULT_JSON_STRUCTURE = [
  { property: 'answer', type: 'string', description: "answer to the user's question" },
  { property: 'source', type: 'string', description: 'sources used to answer the question, should be websites' },
];

export const structuredOutputParser: NodeDefinition = {
  name: 'structuredOutputParser',
  label: 'Structured Output Parser',
  version: 1,
  type: 'StructuredOutputParser',
  description: 'Asks for a JSON object with the properties listed in a table and answers it as JSON.',
  icon: 'structure',
  category: 'Output Parsers',
  baseClasses: ['StructuredOutputParser', ...PARSER_BASE_CLASSES],
  inputs: [
    AUTOFIX_INPUT,
    {
      name: 'jsonStructure',
      kind: 'param',
      type: 'datagrid',
      label: 'JSON Structure',
      optional: true,
      additionalParams: true,
      default: JSON.stringify(DEFAULT_JSON_STRUCTURE),
      datagrid: [
        { field: 'property', headerName: 'Property', editable: true },
        { field: 'type', headerName: 'Type', type: 'singleSelect', valueOptions: ['string', 'number', 'boolean'], editable: true },
        { field: 'description', headerName: 'Description', editable: true, flex: 1 },
      ],
      description: 'One row per property: name, type (string, number or boolean) and what it holds; optional unless marked required',
    },
  ],
  validate(inputs, nodeId) {
    try {
      schemaFromRows(inputs.jsonStructure ?? DEFAULT_JSON_STRUCTURE);
    } catch (error) {
      throw new FlowValidationError(`Node ${nodeId} (structuredOutputParser): invalid jsonStructure: ${(error as Error).message}`, nodeId);
    }
  },
  async build(ctx) {
    const rows = ctx.inputs.jsonStructure === undefined || ctx.inputs.jsonStructure === '' ? DEFAULT_JSON_STRUCTURE : ctx.inputs.jsonStructure;
    return structuredParser(schemaFromRows(rows), asBoolean(ctx.inputs.autofixParser) ?? false);
  },
};

export const DEFAULT_ZOD_SCHEMA = `z.object({
    title: z.string(), // the movie's title
    yearOfRelease: z.number().int(), // the year it came out
    genres: z.enum([
        "Action", "Comedy", "Drama", "Fantasy", "Horror",
        "Mystery", "Romance", "Science Fiction", "Thriller", "Documentary"
    ]).array().max(2), // at most two genres from the list
    shortDescription: z.string().max(500) // at most 500 characters
})`;

/**
 * The node's schema. Only a missing `exampleJson` takes the default; an empty one is an error (it would
 * otherwise run with the default movie schema and fail every answer at run time).
 */
function zodSchemaOf(nodeId: string, source: unknown) {
  try {
    return parseZodSource(source === undefined || source === null ? DEFAULT_ZOD_SCHEMA : typeof source === 'string' ? source : String(source));
  } catch (error) {
    const reason = error instanceof ZodSourceError ? error.message : String(error);
    throw new FlowValidationError(`Node ${nodeId} (advancedStructuredOutputParser): invalid Zod schema: ${reason}`, nodeId);
  }
}

export const advancedStructuredOutputParser: NodeDefinition = {
  name: 'advancedStructuredOutputParser',
  label: 'Advanced Structured Output Parser',
  version: 1,
  type: 'AdvancedStructuredOutputParser',
  description: 'Asks for JSON matching a Zod schema (objects, arrays, enums, limits) and answers it as JSON.',
  icon: 'structure',
  category: 'Output Parsers',
  baseClasses: ['AdvancedStructuredOutputParser', ...PARSER_BASE_CLASSES],
  inputs: [
    AUTOFIX_INPUT,
    {
      name: 'exampleJson',
      kind: 'param',
      type: 'string',
      label: 'Example JSON',
      rows: 10,
      default: DEFAULT_ZOD_SCHEMA,
      description:
        'A Zod schema, read as text (never run): z.object, z.array, z.string, z.number, z.boolean, z.enum with .optional, .nullable, .int, .min, .max, .describe, .default, .array',
    },
  ],
  validate(inputs, nodeId) {
    zodSchemaOf(nodeId, inputs.exampleJson);
  },
  async build(ctx) {
    return structuredParser(zodSchemaOf(ctx.nodeId, ctx.inputs.exampleJson), asBoolean(ctx.inputs.autofixParser) ?? false);
  },
};
