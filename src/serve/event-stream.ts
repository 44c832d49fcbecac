/**
 * Messages of an `application/vnd.amazon.eventstream` body (SubscribeToShard's answer), framed and
 * checksummed by the Smithy codec the SDK decodes them with: never by hand. Each message carries
 * `:message-type` (`event` or `exception`), `:event-type` or `:exception-type`, and
 * `:content-type: application/json`; the body is the event's members as JSON.
 */
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { toWire } from './transport/codec.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function text(value: string): { type: 'string'; value: string } {
  return { type: 'string', value };
}

function encode(headers: MessageHeaders, payload: unknown): Uint8Array {
  // Blobs as base64 and timestamps as epoch seconds: the JSON 1.1 shapes (transport/codec.ts).
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(toWire(payload, 'json'))) });
}

/**
 * An event: `encodeEvent('SubscribeToShardEvent', { Records, ContinuationSequenceNumber, … })`.
 * Members may hold `Uint8Array` blobs and `Date` timestamps, as an operation's output may.
 */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return encode(
    {
      ':message-type': text('event'),
      ':event-type': text(eventType),
      ':content-type': text('application/json'),
    },
    payload,
  );
}

/** The first event of a subscription, which the SDK expects before the data events. */
export function encodeInitialResponse(): Uint8Array {
  return encodeEvent('initial-response', {});
}

/**
 * An exception in the stream (`ResourceInUseException`, `InternalFailure`, …): the SDK throws it
 * from the loop reading the events, as an instance of the exception's class.
 */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return encode(
    {
      ':message-type': text('exception'),
      ':exception-type': text(exceptionType),
      ':content-type': text('application/json'),
    },
    { message },
  );
}

/** Decodes one message (tests, and clients of our own). */
export function decodeMessage(bytes: Uint8Array): { headers: Record<string, unknown>; body: unknown } {
  const message = codec.decode(bytes);
  const headers: Record<string, unknown> = {};
  for (const [name, header] of Object.entries(message.headers)) headers[name] = header.value;
  return { headers, body: JSON.parse(toUtf8(message.body)) };
}
