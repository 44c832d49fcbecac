/**
 * What `shardcast cleanup` finds and deletes: streams and delivery streams carrying shardcast's
 * `shardcast/created-by` tag (every resource a run creates has it), optionally only those older
 * than a given age by their `shardcast/created-at` tag. Nothing without the tag is ever listed,
 * changed or deleted. On a stream of shardcast's, only the consumers shardcast registers
 * (`shardcast-<application>`) are deregistered; a stream that still has another consumer is not
 * deleted (DeleteStream without EnforceConsumerDeletion refuses it, and cleanup says why).
 */
import {
  DeleteDeliveryStreamCommand,
  ListDeliveryStreamsCommand,
  ListTagsForDeliveryStreamCommand,
} from '@aws-sdk/client-firehose';
import {
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
} from '@aws-sdk/client-kinesis';
import { formatSeconds } from '../../scenario/units.js';
import { parseTagTime, TAG_CREATED_AT, TAG_CREATED_BY, TAG_RUN_ID } from './resource-rules.js';
import { streamSummary, waitFor } from './resources.js';
import type { AwsClients } from './run.js';

/** One resource of shardcast's found by cleanup. */
export interface Leftover {
  kind: 'stream' | 'delivery stream';
  name: string;
  tags: Record<string, string>;
  /** From the created-at tag; undefined when it has none that reads as a time. */
  createdAt?: Date | undefined;
}

/** What cleanup found: shardcast's resources old enough, and those it left because they are too young or of unknown age. */
export interface LeftoverSearch {
  found: Leftover[];
  tooYoung: Leftover[];
  /** Whether the endpoint serves Firehose: kinesalite and kinesis-local answer UnknownOperationException. */
  firehose: boolean;
}

async function streamTags(clients: AwsClients, name: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let start: string | undefined;
  for (;;) {
    const page = await clients.kinesis.send(
      new ListTagsForStreamCommand({
        StreamName: name,
        ...(start === undefined ? {} : { ExclusiveStartTagKey: start }),
      }),
    );
    for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
    start = page.Tags?.at(-1)?.Key;
    if (page.HasMoreTags !== true || start === undefined) return tags;
  }
}

async function allStreams(clients: AwsClients): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  for (;;) {
    const page = await clients.kinesis.send(
      new ListStreamsCommand(start === undefined ? {} : { ExclusiveStartStreamName: start }),
    );
    names.push(...(page.StreamNames ?? []));
    start = page.StreamNames?.at(-1);
    if (page.HasMoreStreams !== true || start === undefined) return names;
  }
}

async function allDeliveryStreams(clients: AwsClients): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  for (;;) {
    const page = await clients.firehose.send(
      new ListDeliveryStreamsCommand(start === undefined ? {} : { ExclusiveStartDeliveryStreamName: start }),
    );
    names.push(...(page.DeliveryStreamNames ?? []));
    start = page.DeliveryStreamNames?.at(-1);
    if (page.HasMoreDeliveryStreams !== true || start === undefined) return names;
  }
}

async function deliveryStreamTags(clients: AwsClients, name: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let start: string | undefined;
  for (;;) {
    const page = await clients.firehose.send(
      new ListTagsForDeliveryStreamCommand({
        DeliveryStreamName: name,
        ...(start === undefined ? {} : { ExclusiveStartTagKey: start }),
      }),
    );
    for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
    start = page.Tags?.at(-1)?.Key;
    if (page.HasMoreTags !== true || start === undefined) return tags;
  }
}

/**
 * shardcast's streams and delivery streams, delivery streams first (they may read a stream, so
 * they go first); with `olderThanSeconds`, only those created at least that long before `now`.
 */
export async function findLeftovers(
  clients: AwsClients,
  now: Date,
  olderThanSeconds?: number,
): Promise<LeftoverSearch> {
  const ours: Leftover[] = [];
  let firehose = true;
  let deliveryStreams: string[] = [];
  try {
    deliveryStreams = await allDeliveryStreams(clients);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'UnknownOperationException')) throw error;
    firehose = false;
  }
  for (const name of deliveryStreams) {
    const tags = await deliveryStreamTags(clients, name);
    if (TAG_CREATED_BY in tags) ours.push(leftover('delivery stream', name, tags));
  }
  for (const name of await allStreams(clients)) {
    const tags = await streamTags(clients, name);
    if (TAG_CREATED_BY in tags) ours.push(leftover('stream', name, tags));
  }
  if (olderThanSeconds === undefined) return { found: ours, tooYoung: [], firehose };
  const old = (l: Leftover) =>
    l.createdAt !== undefined && (now.getTime() - l.createdAt.getTime()) / 1000 >= olderThanSeconds;
  return { found: ours.filter(old), tooYoung: ours.filter((l) => !old(l)), firehose };
}

function leftover(kind: Leftover['kind'], name: string, tags: Record<string, string>): Leftover {
  const createdAt = tags[TAG_CREATED_AT] === undefined ? undefined : parseTagTime(tags[TAG_CREATED_AT]);
  return { kind, name, tags, createdAt };
}

/** One leftover for people: `stream shardcast-x-r1 (run r1, shardcast 0.1.0, created 2026-12-06 12:00:00 UTC, 2 h ago)`. */
export function leftoverText(l: Leftover, now: Date): string {
  const facts = [`run ${l.tags[TAG_RUN_ID] ?? '?'}`, l.tags[TAG_CREATED_BY] ?? ''];
  if (l.createdAt !== undefined) {
    const when = l.createdAt
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC');
    facts.push(`created ${when}, ${formatSeconds((now.getTime() - l.createdAt.getTime()) / 1000)} ago`);
  } else facts.push('creation time unknown');
  return `${l.kind} ${l.name} (${facts.join(', ')})`;
}

/** How long deletion waits for consumers to go before deleting their stream. */
const CONSUMERS_GONE_MS = 60_000;

/**
 * Deletes the leftovers found, one line each; a failure is a line too (`could not delete …`), and
 * `failed` counts them. A stream's consumers named `shardcast-…` are deregistered first.
 */
export async function deleteLeftovers(
  clients: AwsClients,
  leftovers: readonly Leftover[],
): Promise<{ lines: string[]; failed: number }> {
  const lines: string[] = [];
  let failed = 0;
  const never = new AbortController().signal;
  for (const l of leftovers) {
    try {
      if (l.kind === 'delivery stream') {
        await clients.firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: l.name }));
        lines.push(`deleted delivery stream ${l.name}`);
        continue;
      }
      const summary = await streamSummary(clients.kinesis, l.name);
      if (summary === undefined) {
        lines.push(`stream ${l.name} was already gone`);
        continue;
      }
      const consumers = await ownConsumers(clients, summary.arn);
      for (const c of consumers)
        await clients.kinesis.send(new DeregisterStreamConsumerCommand({ ConsumerARN: c.arn }));
      if (consumers.length > 0) {
        await waitFor(
          `the consumers of ${l.name} going`,
          async () => ((await ownConsumers(clients, summary.arn, true)).length === 0 ? true : undefined),
          CONSUMERS_GONE_MS,
          never,
        );
      }
      await clients.kinesis.send(
        new DeleteStreamCommand({ StreamName: l.name, EnforceConsumerDeletion: false }),
      );
      const deregistered =
        consumers.length === 0 ? '' : ` (deregistered ${consumers.map((c) => c.name).join(', ')})`;
      lines.push(`deleted stream ${l.name}${deregistered}`);
    } catch (error) {
      failed += 1;
      const why = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
      lines.push(`could not delete ${l.kind} ${l.name} (${why})`);
    }
  }
  return { lines, failed };
}

/**
 * The consumers shardcast registered on a stream (named `shardcast-…`), every page; those being
 * deleted too when `deleting`. An endpoint without enhanced fan-out (kinesalite) has none.
 */
async function ownConsumers(
  clients: AwsClients,
  streamArn: string,
  deleting = false,
): Promise<{ name: string; arn: string }[]> {
  const found: { name: string; arn: string }[] = [];
  let nextToken: string | undefined;
  do {
    let page: Awaited<ReturnType<typeof listConsumers>>;
    try {
      page = await listConsumers(clients, streamArn, nextToken);
    } catch (error) {
      if (error instanceof Error && error.name === 'UnknownOperationException') return [];
      throw error;
    }
    for (const c of page.Consumers ?? []) {
      if (
        c.ConsumerName?.startsWith('shardcast-') &&
        c.ConsumerARN !== undefined &&
        (deleting || c.ConsumerStatus !== 'DELETING')
      )
        found.push({ name: c.ConsumerName, arn: c.ConsumerARN });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return found;
}

function listConsumers(clients: AwsClients, streamArn: string, nextToken: string | undefined) {
  return clients.kinesis.send(
    new ListStreamConsumersCommand(
      nextToken === undefined ? { StreamARN: streamArn } : { StreamARN: streamArn, NextToken: nextToken },
    ),
  );
}
