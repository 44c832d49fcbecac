/** The JSON Schema of scenario files, generated from the zod schema (editors validate and complete with it). */
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

export const SCHEMA_ID = 'https://shardcast.dev/schema/scenario.schema.json';

export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return {
    ...schema,
    $id: SCHEMA_ID,
    title: 'shardcast scenario',
    description:
      'A shardcast scenario: traffic, stream, consumers, Firehose delivery streams, reshard events and gates for Amazon Kinesis capacity planning.',
  };
}
