/**
 * A delivery stream's tags (API-F TagDeliveryStream, UntagDeliveryStream, ListTagsForDeliveryStream):
 * at most 50 per stream (LimitExceededException beyond), a tag given again replaces its value,
 * removing a key that is not there is not an error, and listing pages by key.
 */
import { AwsError } from '../protocol.js';
import { type Input, integer, list, string, Violations } from './input.js';

export const MAX_TAGS = 50;

export type Tags = Map<string, string | undefined>;

/**
 * API-F's `Tag` shape: a key may not start with `aws:` (AWS's reserved prefix) and both take only
 * letters, separators, digits and `_ . : / = + - @ %`, as the model's patterns say; a key or value
 * outside them is a ValidationException naming the pattern.
 */
const TAG_KEY_PATTERN = {
  pattern: /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@%]*$/u,
  patternText: '^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$',
};
const TAG_VALUE_PATTERN = {
  pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@%]*$/u,
  patternText: '^[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$',
};

/** Reads a `Tags` list member (`{ Key, Value? }` entries); violations are collected. */
export function readTagList(
  input: Input,
  v: Violations,
  required: boolean,
): { Key: string; Value?: string }[] {
  const tags = list(input, 'Tags');
  if (tags === undefined) {
    if (required) v.add('tags', undefined, 'Member must not be null');
    return [];
  }
  if (required && tags.length < 1) v.add('tags', '[]', 'Member must have length greater than or equal to 1');
  if (tags.length > MAX_TAGS) {
    v.add('tags', `[${tags.length} tags]`, `Member must have length less than or equal to ${MAX_TAGS}`);
  }
  return tags.map((t, i) => {
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      throw new AwsError('SerializationException', `Expected an object at 'tags.${i + 1}.member'`);
    }
    const parent = `tags.${i + 1}.member`;
    const key =
      string(t as Input, 'Key', { required: true, min: 1, max: 128, ...TAG_KEY_PATTERN }, v, parent) ?? '';
    const value = string(t as Input, 'Value', { max: 256, ...TAG_VALUE_PATTERN }, v, parent);
    return value === undefined ? { Key: key } : { Key: key, Value: value };
  });
}

/** Adds or replaces tags; the stream may hold at most 50 afterwards. */
export function tagStream(tags: Tags, input: Input, name: string): void {
  const v = new Violations();
  const added = readTagList(input, v, true);
  v.throwIfAny();
  const after = new Set([...tags.keys(), ...added.map((t) => t.Key)]);
  if (after.size > MAX_TAGS) {
    throw new AwsError(
      'LimitExceededException',
      `Firehose ${name} would have ${after.size} tags; a delivery stream can have up to ${MAX_TAGS}.`,
    );
  }
  for (const t of added) tags.set(t.Key, t.Value);
}

/** Removes the keys given (those not there are ignored). */
export function untagStream(tags: Tags, input: Input): void {
  const v = new Violations();
  const keys = list(input, 'TagKeys');
  if (keys === undefined) v.add('tagKeys', undefined, 'Member must not be null');
  else if (keys.length < 1 || keys.length > MAX_TAGS) {
    v.add('tagKeys', `[${keys.length} keys]`, `Member must have length between 1 and ${MAX_TAGS}`);
  }
  const names = (keys ?? []).map((k, i) => {
    if (typeof k !== 'string')
      throw new AwsError('SerializationException', `Expected a string at 'tagKeys.${i + 1}.member'`);
    if (k.length < 1 || k.length > 128) {
      v.add(`tagKeys.${i + 1}.member`, k, 'Member must have length between 1 and 128');
    }
    return k;
  });
  v.throwIfAny();
  for (const k of names) tags.delete(k);
}

/** One page of tags in key order, after `ExclusiveStartTagKey`, `Limit` of them (50 by default). */
export function listTags(
  tags: Tags,
  input: Input,
): { Tags: { Key: string; Value?: string }[]; HasMoreTags: boolean } {
  const v = new Violations();
  const after = string(input, 'ExclusiveStartTagKey', { min: 1, max: 128 }, v);
  const limit = integer(input, 'Limit', { min: 1, max: MAX_TAGS }, v) ?? MAX_TAGS;
  v.throwIfAny();
  const keys = [...tags.keys()].filter((k) => after === undefined || k > after).sort();
  const page = keys.slice(0, limit).map((k) => {
    const value = tags.get(k);
    return value === undefined ? { Key: k } : { Key: k, Value: value };
  });
  return { Tags: page, HasMoreTags: keys.length > limit };
}
