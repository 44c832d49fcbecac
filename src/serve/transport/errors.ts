/**
 * Which error a fault or a malformed request gets, as AWS answers it (kinesalite's behaviour, which
 * copies AWS's, and the API references' error lists).
 */
import { AwsError } from '../protocol.js';

/** Kinesis data-plane operations, whose throttling error is `ProvisionedThroughputExceededException`. */
const KINESIS_DATA_PLANE = new Set(['PutRecord', 'PutRecords', 'GetRecords', 'GetShardIterator']);
/** Firehose's Direct PUT, throttled with `ServiceUnavailableException` (HTTP 503). */
const FIREHOSE_PUTS = new Set(['PutRecord', 'PutRecordBatch']);

/**
 * The error a `throttle` fault answers for `operation` of the service `targetPrefix`: Kinesis puts
 * and reads "Rate exceeded for shard …" (400), control-plane calls `LimitExceededException` (400),
 * Firehose puts `ServiceUnavailableException` (503) as its API reference documents for exceeded
 * throughput.
 */
export function throttleError(targetPrefix: string, operation: string): AwsError {
  if (targetPrefix.startsWith('Kinesis_') && KINESIS_DATA_PLANE.has(operation)) {
    return new AwsError(
      'ProvisionedThroughputExceededException',
      'Rate exceeded for shard (injected fault: throttle).',
    );
  }
  if (targetPrefix.startsWith('Firehose_') && FIREHOSE_PUTS.has(operation)) {
    return new AwsError('ServiceUnavailableException', 'Slow down. (injected fault: throttle)', 503);
  }
  return new AwsError('LimitExceededException', 'Rate exceeded (injected fault: throttle).');
}

export function internalFailure(message = 'Internal service failure.'): AwsError {
  return new AwsError('InternalFailure', message, 500);
}

export function serviceUnavailable(message = 'Service unavailable.'): AwsError {
  return new AwsError('ServiceUnavailable', message, 503);
}
