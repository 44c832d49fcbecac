/**
 * The user as a target addresses them (issue 12, point 8): lines on stderr, and a yes/no question
 * asked only of a person at a terminal; no is the answer to anything but y or yes.
 */
import { describe, expect, it } from 'vitest';
import { cliInteraction } from '../../src/cli/interaction.js';
import { FakeIo } from '../helpers/fake-io.js';

describe('cliInteraction', () => {
  it('prints on stderr, never stdout', () => {
    const io = new FakeIo();
    cliInteraction(io).print('estimated cost: $0.42');
    expect(io.err).toBe('estimated cost: $0.42\n');
    expect(io.out).toBe('');
  });

  it('asks "[y/N]" at a terminal and takes y or yes, any case, as yes', async () => {
    for (const [answer, yes] of [
      ['y', true],
      ['YES', true],
      [' yes ', true],
      ['', false],
      ['n', false],
      ['yep', false],
    ] as const) {
      const io = new FakeIo({ answers: [answer] });
      const interaction = cliInteraction(io);
      expect(interaction.interactive).toBe(true);
      expect(await interaction.confirm('create stream shardcast-x and spend up to $0.42?'), answer).toBe(yes);
      expect(io.prompts).toEqual(['create stream shardcast-x and spend up to $0.42? [y/N] ']);
    }
  });

  it('answers no without asking when no one is there (CI, a pipe)', async () => {
    const io = new FakeIo();
    const interaction = cliInteraction(io);
    expect(interaction.interactive).toBe(false);
    expect(await interaction.confirm('go?')).toBe(false);
    expect(io.prompts).toEqual([]);
  });
});
