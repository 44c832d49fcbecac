/**
 * Input validation worded as Kinesis words it (and kinesalite mirrors): a value of the wrong JSON
 * type is a `SerializationException`; constraint violations are collected, at most 10, into one
 * `ValidationException`: "2 validation errors detected: Value 'x' at 'streamName' failed to
 * satisfy constraint: Member must …; Value null at 'shardCount' failed to satisfy constraint:
 * Member must not be null". Paths are the members' names with a lower-case first letter, list
 * members as `records.1.member.partitionKey` (1-based).
 */
import { AwsError } from '../protocol.js';

export type FieldSpec =
  | {
      type: 'string';
      required?: boolean;
      min?: number;
      max?: number;
      pattern?: string;
      enum?: readonly string[];
    }
  | { type: 'integer'; required?: boolean; min?: number; max?: number }
  | { type: 'boolean'; required?: boolean }
  | { type: 'timestamp'; required?: boolean }
  | { type: 'blob'; required?: boolean; max?: number }
  | {
      type: 'list';
      required?: boolean;
      min?: number;
      max?: number;
      member?: FieldSpec | { type: 'structure'; fields: Shape };
      /** How AWS prints a list of structures in a message: the Java class of its members. */
      memberText?: string;
    }
  | { type: 'map'; required?: boolean; min?: number; max?: number; keyMax?: number; valueMax?: number }
  | { type: 'structure'; required?: boolean; fields: Shape };

export type Shape = Readonly<Record<string, FieldSpec>>;

const MAX_ERRORS = 10;

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  return typeof value;
}

/** Throws SerializationException for a wrong JSON type (AWS rejects the body before it validates). */
function serialization(expected: string, value: unknown): never {
  if (typeof value === 'object' && value !== null) {
    throw new AwsError(
      'SerializationException',
      Array.isArray(value)
        ? 'Start of list found where not expected'
        : 'Start of structure or map found where not expected.',
    );
  }
  throw new AwsError(
    'SerializationException',
    `${typeName(value)} value can not be converted to ${expected}`,
  );
}

/** Standard base64 with its padding, as the JSON 1.1 protocol writes blobs. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a base64 blob (what AWS counts against a Data length constraint). */
export function blobLength(base64: string): number {
  return Buffer.byteLength(base64, 'base64');
}

function shown(value: unknown, spec: FieldSpec): string {
  if (value === undefined || value === null) return 'null';
  if (spec.type === 'blob' && typeof value === 'string') {
    const n = blobLength(value);
    return `'java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]'`;
  }
  if (spec.type === 'list' && Array.isArray(value)) {
    return `'[${value.map((v) => spec.memberText ?? String(v)).join(', ')}]'`;
  }
  if (typeof value === 'object') return `'${JSON.stringify(value)}'`;
  return `'${String(value)}'`;
}

function walk(value: unknown, spec: FieldSpec, path: string, errors: string[]): void {
  const fail = (constraint: string) => {
    if (errors.length < MAX_ERRORS) {
      errors.push(`Value ${shown(value, spec)} at '${path}' failed to satisfy constraint: ${constraint}`);
    }
  };
  if (value === undefined || value === null) {
    if (spec.required) fail('Member must not be null');
    return;
  }
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') serialization('String', value);
      if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`).test(value)) {
        fail(`Member must satisfy regular expression pattern: ${spec.pattern}`);
      }
      if (spec.enum !== undefined && !spec.enum.includes(value)) {
        fail(`Member must satisfy enum value set: [${spec.enum.join(', ')}]`);
      }
      if (spec.min !== undefined && value.length < spec.min) {
        fail(`Member must have length greater than or equal to ${spec.min}`);
      }
      if (spec.max !== undefined && value.length > spec.max) {
        fail(`Member must have length less than or equal to ${spec.max}`);
      }
      return;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) serialization('Integer', value);
      if (spec.min !== undefined && value < spec.min)
        fail(`Member must have value greater than or equal to ${spec.min}`);
      if (spec.max !== undefined && value > spec.max)
        fail(`Member must have value less than or equal to ${spec.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') serialization('Boolean', value);
      return;
    case 'timestamp':
      if (typeof value !== 'number' || !Number.isFinite(value)) serialization('Timestamp', value);
      return;
    case 'blob': {
      if (typeof value !== 'string') serialization('Blob', value);
      // Node's base64 decoder skips what is not base64 ('!!!' would be stored as no bytes at all):
      // a blob must be base64 as the JSON 1.1 protocol sends it, or the body cannot be read.
      if (value.length % 4 !== 0 || !BASE64.test(value)) {
        throw new AwsError('SerializationException', 'Base64 encoded value could not be decoded');
      }
      if (spec.max !== undefined && blobLength(value) > spec.max) {
        fail(`Member must have length less than or equal to ${spec.max}`);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) serialization('List', value);
      if (spec.min !== undefined && value.length < spec.min)
        fail(`Member must have length greater than or equal to ${spec.min}`);
      if (spec.max !== undefined && value.length > spec.max)
        fail(`Member must have length less than or equal to ${spec.max}`);
      if (spec.member !== undefined) {
        for (const [i, item] of value.entries()) {
          walk(item, { required: true, ...spec.member } as FieldSpec, `${path}.${i + 1}.member`, errors);
        }
      }
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) serialization('Map', value);
      const keys = Object.keys(value);
      if (spec.min !== undefined && keys.length < spec.min)
        fail(`Member must have length greater than or equal to ${spec.min}`);
      if (spec.max !== undefined && keys.length > spec.max)
        fail(`Member must have length less than or equal to ${spec.max}`);
      if (spec.keyMax !== undefined && keys.some((k) => k.length < 1 || k.length > (spec.keyMax ?? 0))) {
        fail(
          `Map keys must satisfy constraint: [Member must have length less than or equal to ${spec.keyMax}, Member must have length greater than or equal to 1]`,
        );
      }
      const values = Object.values(value);
      if (values.some((v) => typeof v !== 'string'))
        serialization(
          'String',
          values.find((v) => typeof v !== 'string'),
        );
      if (spec.valueMax !== undefined && values.some((v) => (v as string).length > (spec.valueMax ?? 0))) {
        fail(
          `Map value must satisfy constraint: [Member must have length less than or equal to ${spec.valueMax}, Member must have length greater than or equal to 0]`,
        );
      }
      return;
    }
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) serialization('Structure', value);
      for (const [name, field] of Object.entries(spec.fields)) {
        walk((value as Record<string, unknown>)[name], field, `${path}.${lowerFirst(name)}`, errors);
      }
      return;
    }
  }
}

/** Checks `input` against `shape`; throws the first SerializationException or one ValidationException for all violations. */
export function validate(input: Record<string, unknown>, shape: Shape): void {
  const errors: string[] = [];
  for (const [name, field] of Object.entries(shape)) walk(input[name], field, lowerFirst(name), errors);
  if (errors.length > 0) {
    throw new AwsError(
      'ValidationException',
      `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: ${errors.join('; ')}`,
    );
  }
}

/** The shapes several operations share (API-K). */
export const STREAM_NAME: FieldSpec = { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' };
export const STREAM_ARN: FieldSpec = {
  type: 'string',
  min: 1,
  max: 2048,
  pattern: 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
};
export const SHARD_ID: FieldSpec = { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' };
export const HASH_KEY: FieldSpec = { type: 'string', pattern: '0|([1-9]\\d{0,38})' };
export const SEQUENCE_NUMBER: FieldSpec = { type: 'string', pattern: '0|([1-9]\\d{0,128})' };
