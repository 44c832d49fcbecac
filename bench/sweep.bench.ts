/**
 * Sweep benchmark (`npm run bench`, issue 14 point 4): a 20-point sweep of launch-day at 10 minutes
 * each (`--vary stream.shards=8..160 step 8`), as the published CLI runs it, with one worker (the
 * points one after another in the main thread) and with one worker per core; the speed-up is how
 * well the worker pool spreads the points. Each point is a plan and a 10-minute model run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

interface Table {
  points: { passed: boolean }[];
  header: { wallSeconds: number; parallel: number };
}

const scratch = mkdtempSync(join(tmpdir(), 'shardcast-bench-sweep-'));

/**
 * Imported into the CLI process: as it exits, the CPU time it used (user + system, every thread's),
 * to a file. On a shared machine wall time also counts the other processes' turns; CPU time is
 * what the sweep costs, and its ratio to wall time how many cores it kept busy.
 */
const USAGE_HOOK = `data:text/javascript,${encodeURIComponent(`import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(process.env.SHARDCAST_BENCH_USAGE_FILE, String((u.userCPUTime + u.systemCPUTime) / 1e6));
});`)}`;

/** Runs the sweep with `parallel` workers: the process's wall seconds and the table it wrote. */
function sweep(parallel: number): { wallSeconds: number; cpuSeconds: number; table: Table } {
  const out = join(scratch, `p${parallel}`);
  const usage = join(scratch, `usage-${parallel}`);
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      USAGE_HOOK,
      'bin/shardcast.js',
      'sweep',
      'scenarios/launch-day.yaml',
      '--vary',
      'stream.shards=8..160 step 8',
      '--duration',
      '10m',
      '--parallel',
      String(parallel),
      '--out',
      out,
      '--quiet',
    ],
    { encoding: 'utf8', env: { ...process.env, SHARDCAST_BENCH_USAGE_FILE: usage } },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`sweep exited ${child.status}: ${child.stderr}`);
  return {
    wallSeconds,
    cpuSeconds: Number(readFileSync(usage, 'utf8')),
    table: JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as Table,
  };
}

try {
  const cores = availableParallelism();
  const serial = sweep(1);
  const parallel = cores > 1 ? sweep(cores) : serial;
  const line = (label: string, r: ReturnType<typeof sweep>) =>
    `  ${label.padEnd(22)} ${r.wallSeconds.toFixed(1).padStart(6)} s wall (${r.table.header.wallSeconds.toFixed(1)} s running points), ${r.cpuSeconds.toFixed(1)} s CPU (${(r.cpuSeconds / r.wallSeconds).toFixed(2)} cores busy), ${r.table.points.length} points`;
  console.log('sweep: launch-day, 20 points (stream.shards=8..160 step 8), 10 min simulated each');
  console.log(line('--parallel 1', serial));
  if (cores > 1) {
    console.log(line(`--parallel ${cores} (cores)`, parallel));
    console.log(
      `  speed-up ${(serial.table.header.wallSeconds / parallel.table.header.wallSeconds).toFixed(2)}× on ${cores} cores`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
