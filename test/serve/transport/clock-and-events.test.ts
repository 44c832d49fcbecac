/** The scaled clock (`--time-scale`) and the event-stream encoder the enhanced fan-out uses. */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClock } from '../../../src/serve/clock.js';
import {
  decodeMessage,
  encodeEvent,
  encodeException,
  encodeInitialResponse,
} from '../../../src/serve/event-stream.js';

describe('createClock', () => {
  afterEach(() => vi.useRealTimers());

  it('runs timeScale times faster than real time', () => {
    let realMs = 1_000_000;
    const clock = createClock(60, () => realMs);
    expect(clock.nowMs()).toBe(1_000_000);
    realMs += 1500;
    // 1.5 real seconds × 60 = 90 server seconds.
    expect(clock.nowMs()).toBe(1_000_000 + 90_000);
  });

  it('after(ms) waits ms / timeScale of real time; cancel and close stop it', () => {
    vi.useFakeTimers();
    const clock = createClock(60);
    const fired: string[] = [];
    clock.after(60_000, () => fired.push('minute'));
    const cancel = clock.after(120_000, () => fired.push('cancelled'));
    clock.after(180_000, () => fired.push('closed'));
    // 60,000 server ms / 60 = 1,000 real ms.
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['minute']);
    cancel();
    clock.close();
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(['minute']);
  });

  it('refuses a time scale that is not above 0', () => {
    expect(() => createClock(0)).toThrow('time scale must be a positive number, got 0');
    expect(() => createClock(Number.NaN)).toThrow(RangeError);
  });
});

describe('event-stream messages', () => {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);

  it('an event: :message-type event, its :event-type, JSON body with blobs as base64 and dates as epoch seconds', () => {
    const bytes = encodeEvent('SubscribeToShardEvent', {
      Records: [
        {
          Data: new Uint8Array([104, 105]),
          ApproximateArrivalTimestamp: new Date(1_500),
          PartitionKey: 'k',
          SequenceNumber: '1',
        },
      ],
      ContinuationSequenceNumber: '1',
      MillisBehindLatest: 0,
    });
    const message = codec.decode(bytes);
    expect(message.headers[':message-type']).toEqual({ type: 'string', value: 'event' });
    expect(message.headers[':event-type']).toEqual({ type: 'string', value: 'SubscribeToShardEvent' });
    expect(message.headers[':content-type']).toEqual({ type: 'string', value: 'application/json' });
    // [104, 105] is "hi", base64 aGk=; 1,500 ms is 1.5 epoch seconds.
    expect(JSON.parse(toUtf8(message.body))).toEqual({
      Records: [{ Data: 'aGk=', ApproximateArrivalTimestamp: 1.5, PartitionKey: 'k', SequenceNumber: '1' }],
      ContinuationSequenceNumber: '1',
      MillisBehindLatest: 0,
    });
    // The prelude's total length is the whole message: 4 bytes, big-endian.
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)).toBe(bytes.length);
  });

  it('an exception: :message-type exception, :exception-type, {"message"} body', () => {
    expect(decodeMessage(encodeException('ResourceInUseException', 'busy'))).toEqual({
      headers: {
        ':message-type': 'exception',
        ':exception-type': 'ResourceInUseException',
        ':content-type': 'application/json',
      },
      body: { message: 'busy' },
    });
  });

  it('the initial response: event type initial-response, empty body object', () => {
    expect(decodeMessage(encodeInitialResponse())).toEqual({
      headers: {
        ':message-type': 'event',
        ':event-type': 'initial-response',
        ':content-type': 'application/json',
      },
      body: {},
    });
  });
});
