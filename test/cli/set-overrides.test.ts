/**
 * `--set PATH=VALUE` on plan, run and validate (issue 9, point 6): any scenario field set from the
 * command line, validated and located like the file itself (a problem names the `--set`
 * argument), recorded in what the command writes.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/planner/types.js';
import { parseResult } from '../../src/result/io.js';
import { run } from '../helpers/fake-io.js';

const OUT = '/tmp/shardcast-set-test';

/** Two producers and two consumers, so that indices matter. */
const BASE = `name: base
duration: 1m
stream: { shards: 2 }
producers:
  - name: web
    rate: 500/s
    recordSize: 1KiB
    keys: { dist: uniform, count: 1000 }
  - name: batch
    rate: 100/s
    recordSize: 1KiB
    keys: { dist: uniform, count: 1000 }
consumers:
  - { name: a, type: polling }
  - { name: b, type: polling }
`;

describe('--set on validate', () => {
  it('refuses __proto__, constructor and prototype: nothing reaches Object.prototype', async () => {
    for (const arg of ['__proto__.polluted=1', 'constructor.prototype.polluted=1', 'stream.__proto__.x=1']) {
      const r = await run(['validate', 'base.yaml', '--set', arg], { 'base.yaml': BASE });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--set ${arg}: "${arg.split('=')[0]}" is not a field path`);
      expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('locates a problem in a mapping it created at the argument, not at a file line', async () => {
    // `strem` does not exist in base.yaml: --set creates it, and "unknown field" is the argument's.
    const r = await run(['validate', 'base.yaml', '--set', 'strem.shards=4'], { 'base.yaml': BASE });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--set strem.shards=4: strem: unknown field "strem"');
    expect(r.stderr).not.toContain('base.yaml:');
  });

  it('sets numbers, rates and enum values by dotted path and [n] index, and --print shows the result', async () => {
    const r = await run(
      [
        'validate',
        'base.yaml',
        '--print',
        '--json',
        '--set',
        'stream.shards=24',
        '--set',
        'producers[1].rate=8k/s',
        '--set',
        'consumers.1.type=enhanced-fan-out',
        '--set',
        'engine.initialBurst=1',
      ],
      { 'base.yaml': BASE },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as {
      stream: { shards: number };
      producers: { rate: unknown }[];
      consumers: { type: string }[];
      engine: { initialBurst: number };
    };
    expect(printed.stream.shards).toBe(24);
    // 8k/s = 8,000 records/s, printed back in base units.
    expect(printed.producers[1]!.rate).toMatchObject({ profile: 'constant', rate: '8000/s' });
    expect(printed.producers[0]!.rate).toMatchObject({ rate: '500/s' });
    expect(printed.consumers.map((c) => c.type)).toEqual(['polling', 'enhanced-fan-out']);
    expect(printed.engine.initialBurst).toBe(1);
  });

  it('says which overrides it validated with', async () => {
    const r = await run(['validate', 'base.yaml', '--set', 'stream.shards=24'], { 'base.yaml': BASE });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('base.yaml with --set stream.shards=24: valid scenario "base"');
  });

  it('creates a missing mapping on the way (a scenario without stream:)', async () => {
    const text = BASE.replace('stream: { shards: 2 }\n', '');
    const r = await run(['validate', 'nostream.yaml', '--print', '--json', '--set', 'stream.shards=3'], {
      'nostream.yaml': text,
    });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { stream: { shards: number } }).stream.shards).toBe(3);
  });

  it('reports a bad value at its --set argument, with the file problems, in one pass', async () => {
    const text = BASE.replace('duration: 1m', 'duration: soon');
    const r = await run(
      [
        'validate',
        'bad.yaml',
        '--set',
        'stream.shards=abc',
        '--set',
        'consumers[1].type=enhanced-fan-outt',
        '--set',
        'stream.shard=3',
      ],
      { 'bad.yaml': text },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '  --set stream.shards=abc: stream.shards: wrong type (expected a number, found "abc")',
    );
    expect(r.stderr).toContain(
      '  --set stream.shard=3: stream.shard: unknown field "shard"\n      hint: did you mean "shards"?',
    );
    expect(r.stderr).toContain(
      '  --set consumers[1].type=enhanced-fan-outt: consumers[1].type: unknown type (expected one of polling, enhanced-fan-out, found "enhanced-fan-outt")',
    );
    // The file's own problem, at its line.
    expect(r.stderr).toMatch(/ {2}bad\.yaml:2:11: duration: /);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('rejects a malformed --set with exit 2 and how to write one', async () => {
    const cases: [string, string][] = [
      ['stream.shards', '--set stream.shards: not PATH=VALUE: there is no "="'],
      ['a..b=1', '--set a..b=1: "a..b" is not a field path: expected a field name at ".b"'],
      ['[0]=1', '--set [0]=1: "[0]" is not a field path'],
      ['=3', '--set =3: the path before "=" is empty'],
      [
        'producers[2].rate=1k/s',
        '--set producers[2].rate=1k/s: producers has 2 items: index 2 is past its end',
      ],
      ['producers.name=x', '--set producers.name=x: producers is a list: name an item by its index'],
      [
        'stream.shards.count=3',
        '--set stream.shards.count=3: stream.shards is a number, so it has no field "count"',
      ],
      ['x=[1,', '--set x=[1,: the value is not valid YAML'],
    ];
    for (const [arg, message] of cases) {
      const r = await run(['validate', 'base.yaml', '--set', arg], { 'base.yaml': BASE });
      expect(r.code, arg).toBe(2);
      expect(r.stderr, arg).toContain(message);
    }
    const hint = await run(['validate', 'base.yaml', '--set', 'nonsense'], { 'base.yaml': BASE });
    expect(hint.stderr).toContain('hint: write --set PATH=VALUE, e.g. --set stream.shards=24');
  });
});

describe('--set on plan and run', () => {
  it('plans with the set values and records them in the plan', async () => {
    const r = await run(['plan', 'base.yaml', '--json', '--set', 'stream.shards=24'], { 'base.yaml': BASE });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.shards.configured).toBe(24);
    expect(plan.scenario.overrides).toEqual(['stream.shards=24']);
    const text = await run(['plan', 'base.yaml', '--set', 'stream.shards=24'], { 'base.yaml': BASE });
    expect(text.stdout).toContain('--set stream.shards=24');
    expect(text.stdout).toContain('24 shards configured');
  });

  it('runs with the set values, and says so in the summary, result.json, plan.json and the report', async () => {
    const r = await run(
      ['run', 'base.yaml', '--out', OUT, '--duration', '5s', '--set', 'stream.shards=3', '--set', 'seed=9'],
      { 'base.yaml': BASE },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(seed 9, --set stream.shards=3, --set seed=9,');
    const result = parseResult(r.io.writtenFile(`${OUT}/result.json`)!, 'result.json');
    expect(result.scenario.overrides).toEqual(['stream.shards=3', 'seed=9']);
    expect(result.scenario.seed).toBe(9);
    expect(result.metrics['shards.max']).toBe(3);
    const plan = JSON.parse(r.io.writtenFile(`${OUT}/plan.json`)!) as Plan;
    expect(plan.scenario.overrides).toEqual(['stream.shards=3', 'seed=9']);
    expect(r.io.writtenFile(`${OUT}/index.html`)).toContain('--set stream.shards=3 · --set seed=9');
  });
});
