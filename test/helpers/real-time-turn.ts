/**
 * A turn for the tests whose figures need real time on an unhurried machine (serve's agreement
 * with the model, the aws target's): `npm test` runs files on parallel workers, and two of them
 * sending open-loop load at once make each other's clients late, which skews what both measure
 * (serve's zipf case read 0.284 against 0.335 once when they overlapped). Each takes the turn in
 * its `beforeAll` and gives it back in its `afterAll`: an exclusive lock file in the OS's temporary
 * folder, holding the holder's pid, taken over when that process is gone (a run killed mid-test).
 */
import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Per checkout: worktrees of one machine run their suites independently. */
const LOCK = join(
  tmpdir(),
  `shardcast-real-time-${Buffer.from(process.cwd()).toString('hex').slice(-32)}.lock`,
);
const POLL_MS = 200;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits for the turn (at most `timeoutMs`), then holds it until the returned release is called. */
export async function takeRealTimeTurn(timeoutMs = 170_000): Promise<() => Promise<void>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const file = await open(LOCK, 'wx');
      await file.writeFile(String(process.pid));
      await file.close();
      return () => rm(LOCK, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(LOCK, 'utf8').catch(() => '')).trim());
    // A holder that is gone (or a file not written yet: give it a poll's time) leaves the turn free.
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) await rm(LOCK, { force: true });
    if (Date.now() > until)
      throw new Error(`the real-time turn (${LOCK}) was not free within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
