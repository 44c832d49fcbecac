/**
 * A scenario cannot read what it should not (issue 9, point 15): a trace `file:` resolves inside
 * the scenario's folder (or a folder given with `--allow-path`), after symbolic links; only
 * regular files up to 64 MiB are read; a malformed line is quoted as a short escaped excerpt. Each
 * case runs the CLI in-process on real files in a temporary folder laid out as:
 *
 *   TMP/secret                 (a file beside the scenario's folder's parent)
 *   TMP/other/ok.csv           (a good trace outside the scenario's folder)
 *   TMP/work/scen/s.yaml       (the scenario; its line 5 names the trace)
 *   TMP/work/scen/…            (links, a FIFO, a big file, a malformed trace)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/fake-io.js';

let tmp: string;
let scen: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'shardcast-confine-'));
  scen = join(tmp, 'work', 'scen');
  mkdirSync(scen, { recursive: true });
  mkdirSync(join(tmp, 'other'));
  writeFileSync(join(tmp, 'secret'), 'AWS_SECRET_ACCESS_KEY=do-not-print-me\n');
  writeFileSync(join(tmp, 'other', 'ok.csv'), 'seconds,recordsPerSecond\n0,100\n60,200\n');
  writeFileSync(join(scen, 'good.csv'), 'seconds,recordsPerSecond\n0,100\n60,200\n');
  symlinkSync(join(tmp, 'secret'), join(scen, 'link.csv'));
  symlinkSync(join(tmp, 'other'), join(scen, 'linked-dir'));
  // Line 3 is a leaked-looking line of 31 + 1 (ESC) + 31 = 63 characters: the error quotes its
  // first 40 only (31 + ESC + `[2J-then`).
  writeFileSync(
    join(scen, 'bad.csv'),
    `seconds,recordsPerSecond\n0,10\nroot:x:0:0:root:/root:/bin/bash\u001b[2J-then-a-long-secret-tail-XYZ\n`,
  );
  // 64 MiB + 1 byte of digits: one byte over the limit.
  writeFileSync(join(scen, 'big.csv'), Buffer.alloc(64 * 1024 * 1024 + 1, '1'));
  execFileSync('mkfifo', [join(scen, 'fifo.csv')]);
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Writes the scenario naming `file` as its trace (line 5, column 35 is the file's value). */
function scenarioNaming(file: string): string {
  const text = [
    'name: t',
    'stream: { shards: 2 }',
    'producers:',
    '  - name: web',
    `    rate: { profile: trace, file: ${JSON.stringify(file)} }`,
    '',
  ].join('\n');
  writeFileSync(join(scen, 's.yaml'), text);
  return join('work', 'scen', 's.yaml');
}

async function plan(file: string, ...extra: string[]) {
  const started = Date.now();
  const result = await run(['plan', scenarioNaming(file), ...extra], {}, { cwd: tmp });
  return { ...result, ms: Date.now() - started };
}

const WHERE = 'work/scen/s.yaml:5:35: producers[0].rate.file';
const OUTSIDE = (name: string) =>
  `  ${WHERE}: cannot read trace file "${name}": it is outside the scenario's folder: a scenario reads only files beside it or below`;

describe('a trace file is read only inside the scenario folder', () => {
  for (const name of ['/etc/passwd', '/proc/self/environ', '../../secret', '../../other/ok.csv']) {
    it(`refuses ${name}`, async () => {
      const result = await plan(name);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')).toContain(OUTSIDE(name));
      expect(result.stderr).toContain(
        `hint: put the file in ${scen} (or below), or allow its folder with --allow-path DIR`,
      );
      expect(result.stderr).not.toContain('root:');
      expect(result.stderr).not.toContain('do-not-print-me');
    });
  }

  it('refuses a symbolic link inside the folder that points out of it', async () => {
    const result = await plan('link.csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${WHERE}: cannot read trace file "link.csv": it is a symbolic link to ${join(tmp, 'secret')}, outside the scenario's folder`,
    );
    expect(result.stderr).not.toContain('do-not-print-me');
  });

  it('refuses a file reached through a linked folder', async () => {
    const result = await plan('linked-dir/ok.csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`it is a symbolic link to ${join(tmp, 'other', 'ok.csv')}, outside`);
  });

  it('refuses /dev/zero quickly, even in an allowed folder (not a regular file)', async () => {
    const result = await plan('/dev/zero', '--allow-path', '/dev');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${WHERE}: cannot read trace file "/dev/zero": it is not a regular file (a device): a scenario reads only regular files`,
    );
    expect(result.ms).toBeLessThan(5_000);
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    const result = await plan('fifo.csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read trace file "fifo.csv": it is not a regular file (a FIFO)');
  });

  it('refuses a file above 64 MiB', async () => {
    const result = await plan('big.csv');
    expect(result.code).toBe(2);
    // 64 MiB + 1 byte = 67,108,865 bytes = 64.000001 MiB, shown to one decimal.
    expect(result.stderr).toContain(
      'cannot read trace file "big.csv": it is 64.0 MiB, above the 64 MiB a scenario may read',
    );
  });

  it('quotes at most 40 characters of a malformed line, escaped', async () => {
    const result = await plan('bad.csv');
    expect(result.code).toBe(2);
    // The line is 63 characters; the escape character (U+001B) is written as \u001b.
    expect(result.stderr.split('\n')).toContain(
      `  ${WHERE}: bad.csv:3: expected "seconds,recordsPerSecond", found "root:x:0:0:root:/root:/bin/bash\\u001b[2J-then"… (63 characters)`,
    );
    expect(result.stderr).not.toContain('secret-tail');
    expect(result.stderr).not.toContain('\u001b');
  });

  it('reads a trace beside the scenario', async () => {
    const result = await plan('good.csv');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('--allow-path widens the folders, on plan, validate and run', async () => {
    for (const argv of [
      ['plan'],
      ['validate'],
      ['run', '--quiet', '--no-html', '--duration', '1m', '--out', join(tmp, 'out')],
    ]) {
      const [command, ...rest] = argv as [string, ...string[]];
      const refused = await run([command, scenarioNaming('../../other/ok.csv'), ...rest], {}, { cwd: tmp });
      expect(refused.code).toBe(2);
      const allowed = await run(
        [command, scenarioNaming('../../other/ok.csv'), ...rest, '--allow-path', 'other'],
        {},
        { cwd: tmp },
      );
      expect(allowed.stderr).not.toContain('error');
      expect(allowed.code).toBe(0);
    }
  });
});
