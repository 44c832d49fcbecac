/**
 * Field checks on decoded JSON inputs, answering as AWS does: a missing required member or one too
 * long is a `ValidationException` naming the member (camel-cased, as AWS's validator words it); a
 * member of the wrong JSON type is a `SerializationException`.
 */
import { AwsError } from '../protocol.js';

function camel(field: string): string {
  return field.charAt(0).toLowerCase() + field.slice(1);
}

export function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new AwsError('SerializationException', `${field} must be a string, not ${typeof value}.`);
  }
  return value;
}

export function requireString(input: Record<string, unknown>, field: string, maxLength: number): string {
  const value = optionalString(input, field);
  if (value === undefined) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${camel(field)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (value.length < 1 || value.length > maxLength) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${camel(field)}' failed to satisfy constraint: Member must have length between 1 and ${maxLength}`,
    );
  }
  return value;
}
