/**
 * The user as a target may address them before a run (`TargetContext.interaction`): lines on
 * stderr (stdout stays the run's summary or its JSON), and a yes/no question asked only when a
 * person is at a terminal to answer it.
 */
import type { TargetInteraction } from '../targets/target.js';
import type { Io } from './io.js';

/** `y` or `yes`, any case, around spaces: anything else (an empty line, Ctrl-C) is no. */
const YES = /^\s*y(?:es)?\s*$/i;

export function cliInteraction(io: Io, beforePrint: () => void = () => {}): TargetInteraction {
  const interactive = io.interactive === true && io.prompt !== undefined;
  return {
    print: (line) => {
      beforePrint();
      io.stderr(`${line}\n`);
    },
    interactive,
    confirm: async (question) => {
      if (!interactive || io.prompt === undefined) return false;
      beforePrint();
      return YES.test(await io.prompt(`${question} [y/N] `));
    },
  };
}
