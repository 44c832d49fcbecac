import { FIREHOSE, KINESIS } from '../../aws/facts.js';
import { US_EAST_1_PRICES } from '../../aws/pricing.js';
import type { Io } from '../io.js';
import { renderTable } from '../table.js';

/** `shardcast facts [--json]`: the limits and prices in use, with sources. */
export function commandFacts(io: Io, args: { json: boolean }): number {
  if (args.json) {
    io.stdout(
      `${JSON.stringify({ kinesis: KINESIS, firehose: FIREHOSE, prices: US_EAST_1_PRICES }, null, 2)}\n`,
    );
    return 0;
  }
  const limits = [...Object.entries(KINESIS), ...Object.entries(FIREHOSE)].map(([name, f]) => [
    name,
    `${f.value} ${f.unit}`,
    `${f.source} (${f.asOf})${f.confirmed ? '' : ' ⚠️'}`,
  ]);
  const prices = Object.entries(US_EAST_1_PRICES).map(([name, p]) => [
    name,
    `$${p.usd} per ${p.per}`,
    `${p.source} (${p.asOf})${p.confirmed ? '' : ' ⚠️'}`,
  ]);
  io.stdout(
    `Limits and behaviours\n${renderTable(['fact', 'value', 'source'], limits)}\n\nPrices (us-east-1; override any in a scenario's pricing: block)\n${renderTable(['price', 'value', 'source'], prices)}\n\n⚠️ = not confirmed from an AWS source (see aws-facts.md)\n`,
  );
  return 0;
}
