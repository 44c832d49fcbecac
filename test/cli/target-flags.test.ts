/** Target flags on the command line: shared flags, a flag read two ways, a flag of another target. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseWorkerArg, workerText } from '../../src/cli/args.js';
import { targetFlags, targetOptionsFromFlags } from '../../src/cli/target-flags.js';
import type { ShardcastError } from '../../src/errors.js';
import { modelTarget } from '../../src/targets/model.js';
import type { Target, TargetFlag, TargetRegistry } from '../../src/targets/target.js';

function stub(name: string, flags: TargetFlag[]): Target<unknown> {
  return {
    ...(modelTarget as Target<unknown>),
    name,
    options: z.object({}).passthrough(),
    flags,
  };
}

const endpoint: TargetFlag = { name: 'endpoint', option: 'endpoint', type: 'string', description: 'URL' };
const region: TargetFlag = { name: 'region', option: 'region', type: 'string', description: 'region' };
const header: TargetFlag = { name: 'header', option: 'headers', type: 'strings', description: 'a header' };

const registry = (...targets: Target<unknown>[]): TargetRegistry => new Map(targets.map((t) => [t.name, t]));

describe('targetFlags', () => {
  it('keeps one flag two targets share, with both owners', () => {
    const flags = targetFlags(registry(stub('aws', [region, endpoint]), stub('http', [endpoint, header])));
    expect([...flags.entries()].map(([name, f]) => [name, f.targets])).toEqual([
      ['region', ['aws']],
      ['endpoint', ['aws', 'http']],
      ['header', ['http']],
    ]);
  });

  it('refuses one flag read two ways (a bug in the targets, not a user mistake)', () => {
    const other = { ...endpoint, type: 'strings' as const };
    expect(() => targetFlags(registry(stub('aws', [endpoint]), stub('http', [other])))).toThrow(
      '--endpoint is a string flag of aws and a strings flag of http',
    );
  });
});

describe('targetOptionsFromFlags', () => {
  const targets = registry(
    modelTarget as Target<unknown>,
    stub('aws', [region, endpoint]),
    stub('http', [endpoint, header]),
  );

  it("keys the chosen target's flags by its option names, and locates each at its flag", () => {
    const http = targets.get('http') as Target<unknown>;
    const { options, locate } = targetOptionsFromFlags(
      http,
      { endpoint: 'https://x', header: ['a: 1', 'b: 2'] },
      targets,
    );
    expect(options).toEqual({ endpoint: 'https://x', headers: ['a: 1', 'b: 2'] });
    expect(locate('headers.1')).toEqual({ file: '--header', path: '--header' });
    expect(locate('other')).toEqual({ file: 'http target option other', path: 'http target option other' });
  });

  it('names every target that has a flag the chosen one lacks', () => {
    const error = (() => {
      try {
        targetOptionsFromFlags(modelTarget as Target<unknown>, { endpoint: 'https://x' }, targets);
      } catch (e) {
        return e as ShardcastError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      '--endpoint is an option of the aws and http targets, not of the model target',
    );
  });
});

describe('--worker I/N', () => {
  it('counts from 1 for people and from 0 for targets', () => {
    // Worker 1 of 1 is the whole load; 4 of 4 is index 3.
    expect(parseWorkerArg('1/1')).toEqual({ index: 0, count: 1 });
    expect(parseWorkerArg(' 4 / 4 ')).toEqual({ index: 3, count: 4 });
    expect(workerText({ index: 3, count: 4 })).toBe('--worker 4/4');
    expect(() => parseWorkerArg('1/10001')).toThrow('--worker 1/10001 is not a worker share');
  });
});
