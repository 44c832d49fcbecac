/**
 * us-east-1 list prices (docs/aws-facts.md, "KDS 8", "Firehose 11", "12"), in USD. A scenario's
 * `pricing:` block overrides any of them by name. Prices marked `confirmed: false` are third-party
 * figures or derived (⚠️ / 🔶 in docs/aws-facts.md): the plan says so next to the cost.
 */

export interface Price {
  usd: number;
  per: string;
  source: string;
  asOf: string;
  confirmed: boolean;
  note?: string;
}

function price(
  usd: number,
  per: string,
  source: string,
  asOf: string,
  confirmed: boolean,
  note?: string,
): Price {
  return note === undefined
    ? { usd, per, source, asOf, confirmed }
    : { usd, per, source, asOf, confirmed, note };
}

/** Every price the planner uses, by the name a scenario's `pricing:` block overrides it with. */
export const US_EAST_1_PRICES = {
  // Kinesis Data Streams, provisioned (INFRA 2024-07-01, AWS Price List via infracost)
  'kinesis.shardHour': price(0.015, 'shard-hour', 'INFRA', '2024-07-01', true),
  'kinesis.putPayloadUnitsPerMillion': price(
    0.014,
    '1,000,000 PUT payload units of 25 KB',
    'INFRA, PR-K',
    '2024-07-01',
    true,
  ),
  'kinesis.extendedRetentionShardHour': price(
    0.02,
    'shard-hour (retention 24 h–7 d)',
    'INFRA, FAQ',
    '2024-07-01',
    true,
  ),
  'kinesis.longTermRetentionGbMonth': price(
    0.023,
    'GB-month stored beyond 7 days',
    'INFRA',
    '2024-07-01',
    true,
  ),
  'kinesis.efoConsumerShardHour': price(0.015, 'consumer-shard-hour', 'INFRA, FAQ', '2024-07-01', true),
  'kinesis.efoRetrievalGb': price(0.013, 'GB retrieved by enhanced fan-out', 'INFRA', '2024-07-01', true),
  // On-demand Standard
  'kinesis.onDemand.streamHour': price(0.04, 'stream-hour', 'INFRA', '2024-07-01', true),
  'kinesis.onDemand.ingestGb': price(
    0.08,
    'GB written (records rounded up to 1 KB)',
    'INFRA, PR-K',
    '2024-07-01',
    true,
  ),
  'kinesis.onDemand.retrievalGb': price(0.04, 'GB read by polling consumers', 'INFRA', '2024-07-01', true),
  'kinesis.onDemand.efoRetrievalGb': price(0.05, 'GB read by enhanced fan-out', 'INFRA', '2024-07-01', true),
  'kinesis.onDemand.extendedRetentionGbMonth': price(
    0.1,
    'GB-month stored 24 h–7 d',
    'INFRA',
    '2024-07-01',
    true,
  ),
  // On-demand Advantage: the blog's us-east-1 discounts applied to Standard (🔶 derived).
  'kinesis.onDemandAdvantage.ingestGb': price(
    0.032,
    'GB written',
    'B-ODA (−60%)',
    '2025-11-03',
    false,
    'derived',
  ),
  'kinesis.onDemandAdvantage.retrievalGb': price(
    0.016,
    'GB read by polling consumers',
    'B-ODA (−60%)',
    '2025-11-03',
    false,
    'derived',
  ),
  'kinesis.onDemandAdvantage.efoRetrievalGb': price(
    0.016,
    'GB read by enhanced fan-out',
    'B-ODA (−68%)',
    '2025-11-03',
    false,
    'derived',
  ),
  'kinesis.onDemandAdvantage.extendedRetentionGbMonth': price(
    0.023,
    'GB-month stored 24 h–7 d',
    'B-ODA (−77%)',
    '2025-11-03',
    false,
    'derived',
  ),
  // Firehose (third-party figures, ⚠️)
  'firehose.ingestGb': price(
    0.029,
    'GB ingested, records rounded up to 5 KB (first 500 TB/month)',
    'PR-F (third-party)',
    'current',
    false,
  ),
  'firehose.formatConversionGb': price(
    0.018,
    'GB converted (5 KB steps)',
    'PR-F (third-party)',
    'current',
    false,
  ),
  'firehose.dynamicPartitioningGb': price(
    0.02,
    'GB delivered with dynamic partitioning',
    'PR-F (third-party)',
    'current',
    false,
  ),
  'firehose.dynamicPartitioningObjectsPerThousand': price(
    0.005,
    '1,000 S3 objects delivered with dynamic partitioning',
    'PR-F (third-party)',
    'current',
    false,
  ),
  // S3 requests made by Firehose deliveries
  's3.putRequestsPerThousand': price(
    0.005,
    '1,000 PUT requests',
    'INFRA (s3_bucket_test)',
    '2024-07-01',
    true,
  ),
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof US_EAST_1_PRICES;
export type PriceTable = Record<PriceName, Price>;

export const PRICE_NAMES = Object.keys(US_EAST_1_PRICES) as PriceName[];

/** Firehose ingestion tiers per month (GB edges), ⚠️ third-party; applied beyond 500 TB. */
export const FIREHOSE_INGEST_TIERS: readonly { upToGb: number; usd: number }[] = [
  { upToGb: 500 * 1024, usd: 0.029 },
  { upToGb: 2000 * 1024, usd: 0.025 },
  { upToGb: 5000 * 1024, usd: 0.02 },
];

/**
 * The price table for a region with a scenario's overrides applied. Only us-east-1 prices are
 * bundled; other regions use them too, and the plan warns (the caller checks `isBundledRegion`).
 */
export function resolvePrices(overrides: Readonly<Record<string, number>>): PriceTable {
  const table = { ...US_EAST_1_PRICES } as PriceTable;
  for (const [name, usd] of Object.entries(overrides)) {
    if (name in table) {
      const base = table[name as PriceName];
      table[name as PriceName] = { ...base, usd, source: 'scenario pricing override', confirmed: true };
    }
  }
  return table;
}

export function isBundledRegion(region: string): boolean {
  return region === 'us-east-1';
}
