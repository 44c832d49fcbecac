/**
 * The JSON Schema editors use is generated from the zod schema (docs/style.md, habit 1). The committed
 * copy, schema/scenario.schema.json, must match the generator, and editors validating with it must
 * agree with shardcast: every bundled scenario passes, and shape mistakes fail in both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioJsonSchema } from '../../src/scenario/json-schema.js';
import { REPO_ROOT, run } from '../helpers/fake-io.js';

const COMMITTED_PATH = 'schema/scenario.schema.json';
const committed = JSON.parse(readFileSync(join(REPO_ROOT, COMMITTED_PATH), 'utf8')) as Record<
  string,
  unknown
>;

const BUNDLED = readdirSync(join(REPO_ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

// strict: an unknown keyword or a bad pattern in the generated schema fails to compile.
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(committed);

describe(COMMITTED_PATH, () => {
  // Compared as data, not text: a formatter may lay the committed file out differently.
  it('matches the zod schema', () => {
    const generated: unknown = JSON.parse(JSON.stringify(scenarioJsonSchema()));
    expect(
      committed,
      `${COMMITTED_PATH} is out of date with src/scenario/schema.ts: run \`npm run schema\` and commit the result`,
    ).toEqual(generated);
  });

  it('is what `shardcast schema` prints', async () => {
    const result = await run(['schema']);
    expect(JSON.parse(result.stdout)).toEqual(committed);
  });

  it.each(BUNDLED)('accepts scenarios/%s, as shardcast does', async (file) => {
    const scenario: unknown = parse(readFileSync(join(REPO_ROOT, 'scenarios', file), 'utf8'));
    const valid = validate(scenario);
    expect(validate.errors ?? [], `${file}: ${JSON.stringify(validate.errors, null, 2)}`).toEqual([]);
    expect(valid).toBe(true);
    expect((await run(['validate', `scenarios/${file}`])).code).toBe(0);
  });

  // Mistakes of shape, which the JSON Schema can express: an editor flags them as shardcast does.
  const MISTAKES: Record<string, string> = {
    'an unknown field':
      'name: t\nstream: { shards: 2 }\nproducers: [{ name: web, rate: 1k/s, recordsize: 1KiB }]\n',
    'a misspelt enum':
      'name: t\nstream: { mode: provisoned, shards: 2 }\nproducers: [{ name: web, rate: 1k/s }]\n',
    'an unknown profile':
      'name: t\nstream: { shards: 2 }\nproducers: [{ name: web, rate: { profile: rampp, from: 1/s, to: 2/s, over: 1m } }]\n',
    'a bad duration':
      'name: t\nduration: 10 minutes\nstream: { shards: 2 }\nproducers: [{ name: web, rate: 1k/s }]\n',
    'a bad rate': 'name: t\nstream: { shards: 2 }\nproducers: [{ name: web, rate: fast }]\n',
    'no producers': 'name: t\nstream: { shards: 2 }\nproducers: []\n',
    'a missing name': 'stream: { shards: 2 }\nproducers: [{ name: web, rate: 1k/s }]\n',
    'maxRecords out of range':
      'name: t\nstream: { shards: 2 }\nproducers: [{ name: web, rate: 1k/s, batching: { maxRecords: 600 } }]\n',
    'a string for a number':
      'name: t\nstream: { shards: 2 }\nproducers: [{ name: web, instances: two, rate: 1k/s }]\n',
  };

  it.each(Object.entries(MISTAKES))('rejects %s, as shardcast does', async (_, text) => {
    expect(validate(parse(text))).toBe(false);
    const file = 'mistake.yaml';
    expect((await run(['validate', file], { [file]: text })).code).toBe(2);
  });
});
