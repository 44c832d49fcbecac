/**
 * The `application/vnd.amazon.eventstream` messages SubscribeToShard answers with, as the JSON 1.1
 * protocol frames them: each message carries `:message-type`, `:event-type` (or `:exception-type`)
 * and `:content-type` headers and a JSON body. Framing (prelude, header encoding, both CRC32s) is
 * the Smithy codec's, the same one the SDK decodes with, so the two cannot disagree.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const JSON_CONTENT = { type: 'string', value: 'application/json' } as const;

/**
 * An event: `initial-response` first (the SDK waits for the first message before it resolves the
 * command, and reads an `initial-response` into the output rather than the stream), then
 * `SubscribeToShardEvent`s.
 */
export function encodeEvent(eventType: string, body: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: eventType },
      ':content-type': JSON_CONTENT,
    },
    body: fromUtf8(JSON.stringify(body)),
  });
}

/**
 * A modelled exception mid-stream (`ResourceInUseException` when a newer subscription takes over,
 * `InternalFailureException`, …): the SDK throws it from the event iterator with this name and
 * message.
 */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'exception' },
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': JSON_CONTENT,
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Reads a message back (for tests and the metrics' byte counts, never on the hot path). */
export function decodeMessage(bytes: Uint8Array): {
  headers: Record<string, string>;
  body: unknown;
} {
  const message = codec.decode(bytes);
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
  return { headers, body: JSON.parse(toUtf8(message.body)) };
}
