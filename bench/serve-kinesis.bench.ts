/**
 * The serve Kinesis model's memory bound and write speed, without HTTP:
 * `npm run build && node --import tsx bench/serve-kinesis.bench.ts [seconds]`.
 *
 * Ten minutes (600 s of server time on a hand-driven clock) at 10,000 records/s of 1 KiB: PutRecords
 * calls of 500 records with random keys on a 12-shard stream (12,000 records/s of capacity, so MD5's
 * uneven split leaves no shard over its 1,000), `limits: 'aws'`. 6 M records of 1 KiB are ~6 GiB:
 * what keeps the process under 1 GiB is the store's byte budget (`maxStoredBytes`, 256 MiB by
 * default), which drops the oldest records first. Prints records/s of model time (CPU), the bytes
 * held and the process's RSS and heap at the end.
 */
import { createKinesis } from '../dist/serve/kinesis/index.js';
import type { JsonOperation, RequestContext, ServeClock } from '../dist/serve/protocol.js';

const seconds = Number(process.argv[2] ?? 600);
let now = Date.UTC(2026, 11, 6);
const timers: { at: number; fn: () => void }[] = [];
const clock: ServeClock = {
  timeScale: 1,
  nowMs: () => now,
  after: (ms, fn) => {
    const timer = { at: now + ms, fn };
    timers.push(timer);
    return () => timers.splice(timers.indexOf(timer), 1);
  },
};
const advance = (ms: number) => {
  now += ms;
  for (const t of timers.filter((x) => x.at <= now)) {
    timers.splice(timers.indexOf(t), 1);
    t.fn();
  }
};
const context: RequestContext = { clock, region: 'us-east-1', accountId: '000000000000', limits: 'aws' };
const { service, model } = createKinesis({
  limits: 'aws',
  region: 'us-east-1',
  accountId: '000000000000',
  clock,
});
const op = (name: string) => service.operations.get(name) as JsonOperation;
op('CreateStream')({ StreamName: 'bench', ShardCount: 12 }, context);
advance(1000);

const data = Buffer.alloc(1024, 97).toString('base64');
const putRecords = op('PutRecords');
let accepted = 0;
let failed = 0;
let key = 0;
const started = process.hrtime.bigint();
// 20 calls of 500 a second = 10,000 records/s, one call every 50 ms of server time.
for (let call = 0; call < seconds * 20; call++) {
  advance(50);
  const records = Array.from({ length: 500 }, () => ({ Data: data, PartitionKey: `k${key++}` }));
  const out = putRecords({ StreamName: 'bench', Records: records }, context) as { FailedRecordCount: number };
  failed += out.FailedRecordCount;
  accepted += 500 - out.FailedRecordCount;
}
const cpuSeconds = Number(process.hrtime.bigint() - started) / 1e9;
globalThis.gc?.();
const memory = process.memoryUsage();
const MiB = 1024 * 1024;
process.stdout.write(
  `${seconds} s at 10,000 records/s of 1 KiB: ${accepted.toLocaleString('en-US')} accepted, ${failed.toLocaleString('en-US')} throttled\n` +
    `model time ${cpuSeconds.toFixed(1)} s = ${Math.round((accepted + failed) / cpuSeconds).toLocaleString('en-US')} records/s through PutRecords\n` +
    `held ${(model.storedBytes / MiB).toFixed(0)} MiB of records (budget ${(model.maxStoredBytes / MiB).toFixed(0)} MiB); ` +
    `RSS ${(memory.rss / MiB).toFixed(0)} MiB, heap ${(memory.heapUsed / MiB).toFixed(0)} MiB, buffers ${(memory.arrayBuffers / MiB).toFixed(0)} MiB\n`,
);
