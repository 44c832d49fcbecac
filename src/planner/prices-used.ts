/**
 * Which prices a plan's costs were computed with: a price is used only when a cost line or a
 * Firehose charge of this scenario multiplies by it. A stream with no Firehose uses no Firehose
 * price, so the plan never lists the (unconfirmed) Firehose prices as used by it.
 */
import type { PriceName } from '../aws/pricing.js';
import type { Scenario } from '../scenario/schema.js';
import type { CostOption, FirehosePlan } from './types.js';

/**
 * The prices behind the stream's cost options (each option's lines name their price) and behind
 * each Firehose stream's monthly charges, in first-use order. Firehose charges follow
 * `planFirehoseStream`: ingestion always (its tiers start at `firehose.ingestGb`), format
 * conversion when enabled, dynamic partitioning's GB and objects when the buffers are per
 * partition, S3 PUT requests when the destination is S3.
 */
export function pricesUsed(
  options: readonly CostOption[],
  firehose: readonly FirehosePlan[],
  scenario: Scenario,
): PriceName[] {
  const used = new Set<PriceName>();
  for (const option of options) for (const l of option.lines) used.add(l.item as PriceName);
  for (const f of firehose) {
    used.add('firehose.ingestGb');
    const stream = scenario.firehose.find((s) => s.name === f.name);
    if (stream !== undefined && stream.formatConversion !== 'none') used.add('firehose.formatConversionGb');
    if (f.bufferScope === 'partition') {
      used.add('firehose.dynamicPartitioningGb');
      used.add('firehose.dynamicPartitioningObjectsPerThousand');
    }
    if (f.destination === 's3') used.add('s3.putRequestsPerThousand');
  }
  return [...used];
}
