/**
 * The README's table of scenario fields, generated from the JSON Schema (itself generated from
 * the zod schema), so the docs cannot drift from what shardcast accepts.
 */
import { scenarioJsonSchema } from './json-schema.js';
import { PATTERNS } from './units.js';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  additionalProperties?: unknown;
};

export interface FieldRow {
  path: string;
  type: string;
  default: string;
  description: string;
}

const QUANTITIES: [string, string][] = [
  [PATTERNS.size, 'size'],
  [PATTERNS.duration, 'duration'],
  [PATTERNS.recordRate, 'record rate'],
  [PATTERNS.byteRate, 'byte rate'],
  [PATTERNS.rate, 'rate'],
];

function quantityOf(schema: JsonSchema): string | undefined {
  const options = schema.anyOf ?? [];
  for (const option of options) {
    if (option.type === 'string' && option.pattern !== undefined) {
      // zod writes a RegExp's source, in which "/" is escaped.
      const match = QUANTITIES.find(([pattern]) => new RegExp(pattern).source === option.pattern);
      if (match) return match[1];
    }
  }
  return undefined;
}

function typeOf(schema: JsonSchema): string {
  const quantity = quantityOf(schema);
  if (quantity) return quantity;
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.oneOf) return 'mapping (forms below)';
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(' or ');
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
  if (schema.type === 'object') return schema.properties ? 'mapping' : 'mapping of names to numbers';
  if (schema.type === 'integer') return 'integer';
  return String(schema.type ?? 'mapping (forms below)');
}

function objectOptions(schema: JsonSchema): JsonSchema[] {
  if (schema.type === 'object' && schema.properties) return [schema];
  if (schema.type === 'array' && schema.items) return objectOptions(schema.items);
  return [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(objectOptions);
}

/** One row per field, depth first, with the discriminator in the path of union members. */
export function scenarioFieldRows(): FieldRow[] {
  const rows: FieldRow[] = [];
  const walk = (schema: JsonSchema, prefix: string) => {
    const options = objectOptions(schema);
    for (const option of options) {
      const tag = Object.entries(option.properties ?? {}).find(([, p]) => p.const !== undefined);
      const base = options.length > 1 && tag ? `${prefix} (${tag[0]}: ${String(tag[1].const)})` : prefix;
      for (const [name, field] of Object.entries(option.properties ?? {})) {
        if (options.length > 1 && tag && name === tag[0]) continue;
        const path = base === '' ? name : `${base}.${name}`;
        const required = option.required?.includes(name) && field.default === undefined;
        rows.push({
          path: `\`${path}\``,
          type: typeOf(field),
          default:
            field.default !== undefined
              ? `\`${JSON.stringify(field.default)}\``
              : required
                ? '**required**'
                : '',
          description: (field.description ?? '').replace(/\|/g, '\\|'),
        });
        const isList = field.type === 'array' || field.anyOf?.some((o) => o.type === 'array');
        if (objectOptions(field).length > 0 && quantityOf(field) === undefined)
          walk(field, isList ? `${path}[]` : path);
      }
    }
  };
  walk(scenarioJsonSchema() as JsonSchema, '');
  return rows;
}

export function scenarioFieldTable(): string {
  const rows = scenarioFieldRows();
  return [
    '| field | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.path} | ${r.type} | ${r.default} | ${r.description} |`),
  ].join('\n');
}

const START = '<!-- fields:start -->';
const END = '<!-- fields:end -->';

/** The README text with the table between its markers replaced by the current one. */
export function replaceFieldTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start)
    throw new Error('README.md has no <!-- fields:start --> … <!-- fields:end --> markers');
  return `${readme.slice(0, start + START.length)}\n${scenarioFieldTable()}\n${readme.slice(end)}`;
}
