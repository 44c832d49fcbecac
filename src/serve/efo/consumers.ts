/**
 * Registered stream consumers (enhanced fan-out): RegisterStreamConsumer, DeregisterStreamConsumer,
 * DescribeStreamConsumer and ListStreamConsumers, as the Kinesis API reference documents them.
 * A consumer is CREATING for `CONSUMER_TRANSITION_MS` of server time, then ACTIVE; deregistered, it
 * is DELETING for as long, then gone. At most `KINESIS.efoMaxConsumers` per stream, counting the
 * DELETING ones (AWS counts a consumer against the quota until it is gone).
 */
import { KINESIS } from '../../aws/facts.js';
import { AwsError, type JsonOperation, type ServeClock, type StreamFeed } from '../protocol.js';
import { optionalString, requireString } from './input.js';

export type ConsumerStatus = 'CREATING' | 'ACTIVE' | 'DELETING';

export interface Consumer {
  name: string;
  arn: string;
  streamArn: string;
  streamName: string;
  status: ConsumerStatus;
  /** Server clock, ms since the epoch. */
  createdMs: number;
}

/**
 * How long a consumer stays CREATING or DELETING. AWS documents no figure; registrations observed
 * take a few seconds, and the KCL polls DescribeStreamConsumer until ACTIVE, so a short, non-zero
 * delay exercises that loop. Server time, so `--time-scale` shortens it.
 */
export const CONSUMER_TRANSITION_MS = 5_000;

/** ListStreamConsumers' NextToken stays valid this long (as ListShards' does: 300 s). */
const NEXT_TOKEN_TTL_MS = 300_000;
const LIST_DEFAULT_MAX_RESULTS = 100;
const LIST_MAX_MAX_RESULTS = 10_000;

const NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;
/** `<stream ARN>/consumer/<name>:<creation epoch seconds>` (RegisterStreamConsumer's ConsumerARN). */
const CONSUMER_ARN_PATTERN =
  /^(arn:aws[a-z-]*:kinesis:[^:]*:\d{12}:stream\/[a-zA-Z0-9_.-]+)\/consumer\/([a-zA-Z0-9_.-]+):(\d+)$/;

export class ConsumerRegistry {
  /** By consumer ARN. */
  private readonly byArn = new Map<string, Consumer>();
  private readonly timers = new Set<() => void>();
  /** Listeners told when a consumer goes away (its subscriptions end). */
  private readonly goneListeners: ((consumer: Consumer, reason: string) => void)[] = [];

  constructor(
    private readonly feed: StreamFeed,
    private readonly clock: ServeClock,
  ) {}

  onGone(listener: (consumer: Consumer, reason: string) => void): void {
    this.goneListeners.push(listener);
  }

  byConsumerArn(arn: string): Consumer | undefined {
    return this.byArn.get(arn);
  }

  /** Every consumer of every stream, in registration order. */
  all(): Consumer[] {
    return [...this.byArn.values()];
  }

  ofStream(streamArn: string): Consumer[] {
    // Insertion order is registration order, which ListStreamConsumers pages through.
    return [...this.byArn.values()].filter((c) => c.streamArn === streamArn);
  }

  count(streamArn: string): number {
    return this.ofStream(streamArn).length;
  }

  /** The stream was deleted (with EnforceConsumerDeletion): its consumers go with it, at once. */
  streamDeleted(streamArn: string): void {
    for (const consumer of this.ofStream(streamArn))
      this.remove(consumer, `Stream ${streamArn} was deleted.`);
  }

  close(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const cancel = this.clock.after(ms, () => {
      this.timers.delete(cancel);
      fn();
    });
    this.timers.add(cancel);
  }

  private remove(consumer: Consumer, reason: string): void {
    if (this.byArn.get(consumer.arn) !== consumer) return;
    this.byArn.delete(consumer.arn);
    for (const listener of this.goneListeners) listener(consumer, reason);
  }

  /** The stream an ARN names, or ResourceNotFoundException as AWS words it. */
  private stream(streamArn: string): { name: string; arn: string } {
    const name = this.feed.streamName(streamArn);
    const arn = name === undefined ? undefined : this.feed.streamArn(name);
    if (name === undefined || arn === undefined || (streamArn.startsWith('arn:') && arn !== streamArn)) {
      throw new AwsError('ResourceNotFoundException', `Stream ${streamArn} not found.`);
    }
    return { name, arn };
  }

  /** A consumer by ConsumerARN, or by StreamARN and ConsumerName (Describe and Deregister accept either). */
  private find(input: Record<string, unknown>): Consumer {
    const consumerArn = optionalString(input, 'ConsumerARN');
    const streamArn = optionalString(input, 'StreamARN');
    const consumerName = optionalString(input, 'ConsumerName');
    if (consumerArn !== undefined) {
      if (!CONSUMER_ARN_PATTERN.test(consumerArn)) {
        throw new AwsError('InvalidArgumentException', `Invalid ConsumerARN: ${consumerArn}`);
      }
      const consumer = this.byArn.get(consumerArn);
      if (consumer === undefined)
        throw new AwsError('ResourceNotFoundException', `Consumer ${consumerArn} not found.`);
      return consumer;
    }
    if (streamArn === undefined || consumerName === undefined) {
      throw new AwsError(
        'InvalidArgumentException',
        'Either ConsumerARN or both StreamARN and ConsumerName must be provided.',
      );
    }
    const stream = this.stream(streamArn);
    const consumer = this.ofStream(stream.arn).find((c) => c.name === consumerName);
    if (consumer === undefined) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Consumer ${consumerName} under stream ${stream.arn} not found.`,
      );
    }
    return consumer;
  }

  readonly register: JsonOperation = (input) => {
    const streamArn = requireString(input, 'StreamARN', 2048);
    const name = requireString(input, 'ConsumerName', 128);
    if (!NAME_PATTERN.test(name)) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${name}' at 'consumerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`,
      );
    }
    const stream = this.stream(streamArn);
    const existing = this.ofStream(stream.arn);
    if (existing.some((c) => c.name === name)) {
      throw new AwsError(
        'ResourceInUseException',
        `Consumer ${name} under stream ${stream.arn} already exists.`,
      );
    }
    if (existing.length >= KINESIS.efoMaxConsumers.value) {
      throw new AwsError(
        'LimitExceededException',
        `Stream ${stream.arn} already has ${existing.length} registered consumers: the limit is ${KINESIS.efoMaxConsumers.value}.`,
      );
    }
    const createdMs = this.clock.nowMs();
    const consumer: Consumer = {
      name,
      arn: `${stream.arn}/consumer/${name}:${Math.floor(createdMs / 1000)}`,
      streamArn: stream.arn,
      streamName: stream.name,
      status: 'CREATING',
      createdMs,
    };
    this.byArn.set(consumer.arn, consumer);
    this.later(CONSUMER_TRANSITION_MS, () => {
      if (consumer.status === 'CREATING') consumer.status = 'ACTIVE';
    });
    return { Consumer: consumerShape(consumer) };
  };

  readonly deregister: JsonOperation = (input) => {
    const consumer = this.find(input);
    if (consumer.status !== 'DELETING') {
      consumer.status = 'DELETING';
      for (const listener of this.goneListeners)
        listener(consumer, `Consumer ${consumer.arn} is being deleted.`);
      this.later(CONSUMER_TRANSITION_MS, () =>
        this.remove(consumer, `Consumer ${consumer.arn} was deleted.`),
      );
    }
    return {};
  };

  readonly describe: JsonOperation = (input) => {
    const consumer = this.find(input);
    return { ConsumerDescription: { ...consumerShape(consumer), StreamARN: consumer.streamArn } };
  };

  readonly list: JsonOperation = (input) => {
    const streamArn = requireString(input, 'StreamARN', 2048);
    const maxResults = input.MaxResults ?? LIST_DEFAULT_MAX_RESULTS;
    if (
      typeof maxResults !== 'number' ||
      !Number.isInteger(maxResults) ||
      maxResults < 1 ||
      maxResults > LIST_MAX_MAX_RESULTS
    ) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${LIST_MAX_MAX_RESULTS}`,
      );
    }
    const streamCreation = input.StreamCreationTimestamp;
    if (
      streamCreation !== undefined &&
      (typeof streamCreation !== 'number' || !Number.isFinite(streamCreation))
    ) {
      throw new AwsError(
        'SerializationException',
        'StreamCreationTimestamp must be a timestamp (epoch seconds).',
      );
    }
    const stream = this.stream(streamArn);
    const consumers = this.ofStream(stream.arn);
    const start = this.readNextToken(optionalString(input, 'NextToken'), stream.arn, consumers);
    const page = consumers.slice(start, start + maxResults);
    const end = start + page.length;
    const output: { Consumers: ReturnType<typeof consumerShape>[]; NextToken?: string } = {
      Consumers: page.map(consumerShape),
    };
    if (end < consumers.length) {
      // The token names the last consumer returned, so a deregistration between pages skips nobody.
      const last = page[page.length - 1]!;
      output.NextToken = Buffer.from(
        JSON.stringify({ s: stream.arn, after: last.arn, t: this.clock.nowMs() }),
        'utf8',
      ).toString('base64');
    }
    return output;
  };

  private readNextToken(token: string | undefined, streamArn: string, consumers: Consumer[]): number {
    if (token === undefined) return 0;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const fields = parsed as { s?: unknown; after?: unknown; t?: unknown } | undefined;
    if (
      typeof fields !== 'object' ||
      fields === null ||
      fields.s !== streamArn ||
      typeof fields.after !== 'string' ||
      typeof fields.t !== 'number'
    ) {
      throw new AwsError('InvalidArgumentException', `Invalid NextToken for stream ${streamArn}.`);
    }
    if (this.clock.nowMs() - fields.t > NEXT_TOKEN_TTL_MS) {
      throw new AwsError('ExpiredNextTokenException', 'The NextToken has expired.');
    }
    const index = consumers.findIndex((c) => c.arn === fields.after);
    if (index >= 0) return index + 1;
    // The consumer the token named is gone: resume after the last one registered before it.
    const afterSeconds = Number(/:(\d+)$/.exec(fields.after)?.[1] ?? 0);
    const next = consumers.findIndex((c) => Math.floor(c.createdMs / 1000) > afterSeconds);
    return next < 0 ? consumers.length : next;
  }
}

function consumerShape(c: Consumer): {
  ConsumerName: string;
  ConsumerARN: string;
  ConsumerStatus: ConsumerStatus;
  ConsumerCreationTimestamp: number;
} {
  // JSON 1.1 timestamps are epoch seconds (fractions allowed).
  return {
    ConsumerName: c.name,
    ConsumerARN: c.arn,
    ConsumerStatus: c.status,
    ConsumerCreationTimestamp: c.createdMs / 1000,
  };
}
