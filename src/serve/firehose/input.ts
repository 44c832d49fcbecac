/**
 * Reading a Firehose request's decoded JSON as the service does. Two kinds of mistake, two errors,
 * as AWS's JSON 1.1 front end answers them:
 * - a member of the wrong JSON type (a number where a string goes, base64 that is not base64) is a
 *   `SerializationException`, thrown at once: the request cannot be read;
 * - a value that breaks the API model's constraints (length, range, pattern, a required member
 *   missing) is a `ValidationException` listing every broken constraint at once, worded as AWS
 *   words them: `2 validation errors detected: Value '0' at 'bufferingHints.sizeInMBs' failed to
 *   satisfy constraint: Member must have value greater than or equal to 1; …`. The path names the
 *   member in lowerCamel, list entries 1-based (`records.3.member.data`).
 */
import { AwsError } from '../protocol.js';

/** An input object as decoded from JSON. */
export type Input = Record<string, unknown>;

/** The member's name as AWS's validation messages print it: `SizeInMBs` → `sizeInMBs`. */
function memberPath(parent: string, member: string): string {
  const name = member.charAt(0).toLowerCase() + member.slice(1);
  return parent === '' ? name : `${parent}.${name}`;
}

/** Collects the model-constraint violations of one request; `throwIfAny` raises them together. */
export class Violations {
  private readonly messages: string[] = [];

  add(path: string, value: unknown, constraint: string): void {
    const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
    this.messages.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  get count(): number {
    return this.messages.length;
  }

  throwIfAny(): void {
    const n = this.messages.length;
    if (n === 0) return;
    throw new AwsError(
      'ValidationException',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.messages.join('; ')}`,
    );
  }
}

function serialization(path: string, expected: string): AwsError {
  return new AwsError('SerializationException', `Expected ${expected} at '${path}'`);
}

/** The structure member `name` of `input` (undefined when absent); not an object → SerializationException. */
export function structure(input: Input, name: string, parent = ''): Input | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw serialization(memberPath(parent, name), 'an object');
  return v as Input;
}

/** The list member `name` (undefined when absent); not an array → SerializationException. */
export function list(input: Input, name: string, parent = ''): unknown[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw serialization(memberPath(parent, name), 'a list');
  return v;
}

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** The pattern as the model writes it, for the message. */
  patternText?: string;
  /** Allowed values of an enum member. */
  oneOf?: readonly string[];
}

/** A string member, checked against the model's constraints (violations are collected). */
export function string(
  input: Input,
  name: string,
  rule: StringRule,
  violations: Violations,
  parent = '',
): string | undefined {
  const path = memberPath(parent, name);
  const v = input[name];
  if (v === undefined || v === null) {
    if (rule.required === true) violations.add(path, v, 'Member must not be null');
    return undefined;
  }
  if (typeof v !== 'string') throw serialization(path, 'a string');
  if (rule.min !== undefined && v.length < rule.min) {
    violations.add(path, v, `Member must have length greater than or equal to ${rule.min}`);
  } else if (rule.max !== undefined && v.length > rule.max) {
    violations.add(path, v, `Member must have length less than or equal to ${rule.max}`);
  } else if (rule.pattern !== undefined && !rule.pattern.test(v)) {
    violations.add(path, v, `Member must satisfy regular expression pattern: ${rule.patternText ?? ''}`);
  } else if (rule.oneOf !== undefined && !rule.oneOf.includes(v)) {
    violations.add(path, v, `Member must satisfy enum value set: [${rule.oneOf.join(', ')}]`);
  }
  return v;
}

/** An integer member within [min, max] (violations are collected). */
export function integer(
  input: Input,
  name: string,
  rule: { min: number; max: number },
  violations: Violations,
  parent = '',
): number | undefined {
  const path = memberPath(parent, name);
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw serialization(path, 'an integer');
  if (v < rule.min) violations.add(path, v, `Member must have value greater than or equal to ${rule.min}`);
  else if (v > rule.max) violations.add(path, v, `Member must have value less than or equal to ${rule.max}`);
  return v;
}

/** A boolean member. */
export function boolean(input: Input, name: string, parent = ''): boolean | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw serialization(memberPath(parent, name), 'a boolean');
  return v;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A blob member: base64 in JSON 1.1, raw bytes when the transport decoded CBOR. Its length is
 * checked on the decoded bytes, as the model's `max` applies to the blob, not to its base64.
 */
export function blob(
  input: Input,
  name: string,
  rule: { max: number },
  violations: Violations,
  parent: string,
): Uint8Array | undefined {
  const path = memberPath(parent, name);
  const v = input[name];
  if (v === undefined || v === null) {
    violations.add(path, v, 'Member must not be null');
    return undefined;
  }
  let bytes: Uint8Array;
  if (v instanceof Uint8Array) bytes = v;
  else if (typeof v === 'string' && v.length % 4 === 0 && BASE64.test(v)) bytes = Buffer.from(v, 'base64');
  else throw serialization(path, 'a base64-encoded blob');
  if (bytes.byteLength > rule.max) {
    // AWS prints the blob as the Java buffer it decoded; its length is what matters to the reader.
    violations.add(
      path,
      `java.nio.HeapByteBuffer[pos=0 lim=${bytes.byteLength} cap=${bytes.byteLength}]`,
      `Member must have length less than or equal to ${rule.max}`,
    );
  }
  return bytes;
}

/** The path of member `name` under `parent`, as the messages print it (for callers' own checks). */
export function pathOf(parent: string, name: string): string {
  return memberPath(parent, name);
}
