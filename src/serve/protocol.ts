/**
 * What the parts of `shardcast serve` agree on (issue 11): the transport (`server.ts`: HTTP/1.1 and
 * HTTP/2 on one port, JSON 1.1 and CBOR bodies, AWS error shapes, faults, the admin routes) serves
 * services; a service (Kinesis in `kinesis/`, Firehose in `firehose/`, enhanced fan-out in `efo/`)
 * is a table of operations by name. An operation takes the request's decoded input and returns its
 * output, or throws an `AwsError`; a streaming one (SubscribeToShard) writes its response itself.
 *
 * Nothing here touches sockets, the filesystem or the process: the transport owns those.
 *
 * Wire shapes (the transport converts; services see one shape whether the client sent JSON 1.1 or
 * CBOR, src/serve/transport/codec.ts):
 * - input: as JSON 1.1 sends it. Blobs (`Data`) are base64 strings (CBOR byte strings are encoded
 *   to base64), timestamps (`Timestamp`, `StreamCreationTimestamp`) are epoch seconds as numbers
 *   (CBOR tag 1 dates are converted).
 * - output: blobs may be `Uint8Array` and timestamps `Date` (a base64 string or a number of epoch
 *   seconds passes through as is). JSON writes them as base64 and epoch seconds numbers (what the
 *   SDK reads `ApproximateArrivalTimestamp` as), CBOR as byte strings and tag 1. `undefined`
 *   members are left out. The same holds for `encodeEvent` payloads (src/serve/event-stream.ts).
 */

/**
 * An error as AWS returns it: HTTP `status` and the body `{ "__type": type, "message": … }`
 * (JSON 1.1) or its CBOR equivalent; the SDK turns `__type` into the exception's name.
 */
export class AwsError extends Error {
  constructor(
    /** `ResourceNotFoundException`, `ValidationException`, `ProvisionedThroughputExceededException`, … */
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

/** The service's clock: milliseconds since the epoch, run `timeScale` times faster than real time. */
export interface ServeClock {
  nowMs(): number;
  /** Server time passes this many times faster than real time (`--time-scale`; 1 by default). */
  readonly timeScale: number;
  /** Calls `fn` after `serverMs` of server time; returns a cancel function. */
  after(serverMs: number, fn: () => void): () => void;
}

/** What every operation is given besides its input. */
export interface RequestContext {
  clock: ServeClock;
  /** The region and account the ARNs name (`arn:aws:kinesis:us-east-1:000000000000:stream/x`). */
  region: string;
  accountId: string;
  /** `aws`: the documented limits are enforced; `off`: accept everything, as other emulators do. */
  limits: 'aws' | 'off';
}

/** A request/response operation: decoded input in, output out (or an `AwsError` thrown). */
export type JsonOperation = (input: Record<string, unknown>, context: RequestContext) => unknown;

/** The response a streaming operation writes: an `application/vnd.amazon.eventstream` body. */
export interface StreamingResponse {
  /** Sends status 200 and the headers (the transport adds the request id). */
  start(headers: Record<string, string>): void;
  /** Writes one encoded message; false when the peer's window is full (wait for `onDrain`). */
  write(chunk: Uint8Array): boolean;
  onDrain(listener: () => void): void;
  /** Ends the response normally. */
  end(): void;
  /** Whether the client went away (or `end` was called). */
  readonly closed: boolean;
  /** Called once when the client goes away or the response ends. */
  onClose(listener: () => void): void;
}

/** An operation that answers with an event stream (SubscribeToShard): it writes to `response` itself. */
export interface StreamingOperation {
  streaming: true;
  /**
   * Checks the input and starts the stream, or throws an `AwsError` before `response.start`
   * (the transport then answers with the error, as AWS does for a bad subscription).
   */
  handle(input: Record<string, unknown>, context: RequestContext, response: StreamingResponse): void;
}

export type Operation = JsonOperation | StreamingOperation;

/** A service: its `X-Amz-Target` prefix and its operations by name. */
export interface Service {
  /** `Kinesis_20131202` or `Firehose_20150804`. */
  targetPrefix: string;
  operations: ReadonlyMap<string, Operation>;
  /** Its part of `GET /_shardcast/metrics` (JSON-ready). */
  metrics?(): unknown;
  /** Stops its timers (buffers flushed or dropped as it documents). */
  close?(): void | Promise<void>;
}

/** A record as a Kinesis shard stores it. */
export interface StoredRecord {
  SequenceNumber: string;
  /** Milliseconds since the epoch, server clock. */
  ApproximateArrivalTimestamp: number;
  Data: Uint8Array;
  PartitionKey: string;
  /** Absent unless the producer sent one (KPL aggregates do not appear here: they are Data). */
  EncryptionType?: 'NONE' | 'KMS';
}

/** Where a reader starts in a shard (GetShardIterator's types). */
export type ShardPosition =
  | { type: 'TRIM_HORIZON' }
  | { type: 'LATEST' }
  | { type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string }
  | { type: 'AT_TIMESTAMP'; timestampMs: number };

/** A shard as readers see it. */
export interface ShardView {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
  SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string };
}

/** One read of a shard. */
export interface ShardRead {
  records: StoredRecord[];
  /** Where the next read continues (after the last record returned, or where this one started). */
  next: ShardPosition;
  /** How far behind the shard's tip the read ends, in ms (GetRecords' MillisBehindLatest). */
  millisBehindLatest: number;
  /** Set when the shard is closed and every record was read: its children (GetRecords' ChildShards). */
  childShards?: { ShardId: string; ParentShards: string[]; HashKeyRange: ShardView['HashKeyRange'] }[];
}

/**
 * What the Kinesis model offers the other services: Firehose with a Kinesis-stream source reads a
 * stream; enhanced fan-out pushes a shard's records to subscribers. Implemented by `kinesis/`.
 */
export interface StreamFeed {
  /** The stream's name for a name or an ARN, or undefined when there is no such ACTIVE or UPDATING stream. */
  streamName(nameOrArn: string): string | undefined;
  streamArn(name: string): string | undefined;
  /** Every shard of the stream, open and closed, in creation order. */
  shards(streamName: string): ShardView[];
  /** Reads up to `maxRecords` from `position` (no read limits applied: callers apply their own). */
  read(streamName: string, shardId: string, position: ShardPosition, maxRecords: number): ShardRead;
  /**
   * Calls `listener` with each batch of records appended to the stream from now on (in sequence
   * order per shard); returns the function that stops it. A deleted stream stops its listeners.
   */
  onAppend(
    streamName: string,
    listener: (shardId: string, records: readonly StoredRecord[]) => void,
  ): () => void;
}
