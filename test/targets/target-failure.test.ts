/**
 * The real targets' guard (`asTargetFailure`): a raw error out of a run (an SDK's, a socket's) is
 * a failed target, exit 3 with its first line, never exit 70 with a stack; shardcast's own errors
 * pass through as they are.
 */
import { describe, expect, it } from 'vitest';
import { asTargetFailure, ExitCode, ShardcastError } from '../../src/errors.js';

describe('asTargetFailure', () => {
  it('names an SDK error by its name and first line, exit 3, the original kept as the cause', () => {
    const sdk = Object.assign(new Error('Stream doomed under account 000000000000 not found.\nmore'), {
      name: 'ResourceNotFoundException',
    });
    const failure = asTargetFailure(sdk);
    expect(failure).toBeInstanceOf(ShardcastError);
    const e = failure as ShardcastError;
    expect(e.exitCode).toBe(ExitCode.targetFailed);
    expect(ExitCode.targetFailed).toBe(3);
    expect(e.message).toBe(
      'the run failed: ResourceNotFoundException: Stream doomed under account 000000000000 not found.',
    );
    expect(e.cause).toBe(sdk);
  });

  it('a plain Error is named by its message alone', () => {
    const e = asTargetFailure(new Error('socket hang up')) as ShardcastError;
    expect(e.message).toBe('the run failed: socket hang up');
  });

  it("passes shardcast's own errors and non-errors through", () => {
    const own = new ShardcastError('invalid-input', 'bad', ExitCode.invalidInput);
    expect(asTargetFailure(own)).toBe(own);
    expect(asTargetFailure('text')).toBe('text');
  });
});
