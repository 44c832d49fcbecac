/**
 * STAND-IN for `./grid.js` (being written for `shardcast sweep`): `find --minimize METRIC` needs
 * the options listed with `--vary PATH=a,b,c`, and grid.ts is not on this branch yet. This takes
 * lists only (no `8..64 step 8` ranges) and makes their grid, the last axis varying fastest, as
 * types.ts has it. At merge, `parseVaryLists` gives way to grid.ts's `parseVary` and
 * `optionPoints` to its grid of points; nothing else depends on this file.
 */
import { ExitCode, ShardcastError } from '../errors.js';
import { parsePath } from '../scenario/overrides.js';
import { parseRate } from '../scenario/units.js';
import type { Axis, AxisValue, GridPoint } from './types.js';

const HINT =
  'write --vary PATH=A,B,C with a --set path and its values, e.g. --vary stream.mode=provisioned,on-demand --vary stream.shards=8,12,16';

/** `--vary PATH=a,b,c` arguments as axes (lists only: see the file's note). Exit 2 on a malformed one. */
export function parseVaryLists(texts: readonly string[]): Axis[] {
  const axes: Axis[] = [];
  for (const text of texts) {
    const eq = text.indexOf('=');
    const bad = (why: string) =>
      new ShardcastError('usage', `--vary ${text}: ${why}`, ExitCode.invalidInput, HINT);
    if (eq < 0) throw bad('not PATH=VALUES: there is no "="');
    const path = text.slice(0, eq).trim();
    const parsed = parsePath(path);
    if (typeof parsed === 'string') throw bad(parsed);
    if (axes.some((a) => a.path === path)) throw bad(`${path} is varied twice`);
    const values = text
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim());
    if (values.some((v) => v === '')) throw bad('an empty value in the list');
    axes.push({ path, text, values: values.map(axisValue) });
  }
  return axes;
}

function axisValue(text: string): AxisValue {
  const plain = Number(text);
  if (text !== '' && Number.isFinite(plain)) return { text, numeric: plain };
  const rate = parseRate(text);
  return { text, numeric: rate?.perSecond };
}

/** Every combination of the axes' values, the last axis fastest; each after the command's `--set`s. */
export function optionPoints(axes: readonly Axis[], baseOverrides: readonly string[]): GridPoint[] {
  let combos: AxisValue[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => [...c, v]));
  return combos.map((values, index) => ({
    index,
    at: Object.fromEntries(axes.map((a, i) => [a.path, values[i]!.text])),
    overrides: [...baseOverrides, ...axes.map((a, i) => `${a.path}=${values[i]!.text}`)],
  }));
}
