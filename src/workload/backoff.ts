/**
 * The backoff before resending a record: full jitter, as the AWS SDK for JavaScript v3's standard
 * retry strategy computes it, with the scenario's `retry` settings. One definition for the engine
 * (which spreads a failed flow over the backoff's range and counts its mean) and for real targets
 * (which wait `nextDelay` before resending the entries a PutRecords call failed).
 *
 * The SDK (SMITHY: smithy-typescript `packages/util-retry/src/constants.ts` and
 * `defaultRetryBackoffStrategy.ts`): `DEFAULT_RETRY_DELAY_BASE = 100` ms,
 * `THROTTLING_RETRY_DELAY_BASE = 500` ms, `MAXIMUM_RETRY_DELAY = 20 * 1000` ms,
 * `DEFAULT_MAX_ATTEMPTS = 3`, and the delay before retry number n (n = 0 for the first retry)
 * `floor(min(MAXIMUM_RETRY_DELAY, random() × 2^n × base))`. Those defaults are the scenario's
 * (`retry.baseDelay` 100 ms, `retry.maxDelay` 20 s, `retry.maxAttempts` 3; `KINESIS.sdk*` in
 * src/aws/facts.ts, checked against the schema in test/workload/backoff.test.ts).
 *
 * Two choices differ from that line, on purpose and as the engine always modelled it:
 * - the cap applies before the jitter, delay = u × min(maxDelay, base × 2^n) with u uniform on
 *   [0, 1) (the formula of the AWS Architecture Blog's "full jitter"). The SDK's min(max, u × 2^n
 *   × base) is the same until base × 2^n passes maxDelay (the 9th retry at 100 ms and 20 s), and
 *   from there waits exactly maxDelay more often; our mean stays half the cap, which the engine's
 *   latency model uses;
 * - no rounding down to whole milliseconds: a real target sleeps with timers of 1 ms resolution
 *   anyway, and the model runs in seconds.
 * The PutRecords entries that fail come back inside an HTTP 200, so the SDK never retries them
 * (docs/aws-facts.md, KDS 7): the producer resends them with this policy, counting the first
 * send as attempt 1, up to `maxAttempts`. The SDK's 500 ms throttling base applies to what the SDK
 * itself retries (a whole request refused with a throttling error), not to these entries, whose
 * ProvisionedThroughputExceeded is a field of a successful response: the scenario's `baseDelay`
 * is the producer's own choice for them, as the KPL's and the KCL's record-level retries are.
 */
import type { Producer } from '../scenario/schema.js';
import type { Rng } from './random.js';

/** A producer's retry settings, in seconds. */
export type RetryPolicy = Producer['retry'];

/**
 * The largest backoff before attempt `attempt` (2 … maxAttempts; the first send waits for none):
 * min(maxDelay, baseDelay × 2^(attempt − 2)) seconds. Retry n = attempt − 2 in the SDK's count.
 */
export function backoffCapSeconds(retry: RetryPolicy, attempt: number): number {
  return Math.min(retry.maxDelay, retry.baseDelay * 2 ** (attempt - 2));
}

/** The mean backoff before `attempt`: half its cap (a uniform on [0, cap)). */
export function meanBackoffSeconds(retry: RetryPolicy, attempt: number): number {
  return backoffCapSeconds(retry, attempt) / 2;
}

/** Whether a record that failed attempt `attempt` is sent again. */
export function retriesAfter(retry: RetryPolicy, attempt: number): boolean {
  return attempt < retry.maxAttempts;
}

/** The seconds to wait before sending `attempt` (≥ 2): u × cap, one uniform from `rng`. */
export function nextDelay(retry: RetryPolicy, attempt: number, rng: Rng): number {
  return rng.uniform() * backoffCapSeconds(retry, attempt);
}
