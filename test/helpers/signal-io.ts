/**
 * A `FakeIo` that can be sent SIGINT/SIGTERM in-process (what `nodeIo` gets from the process), and
 * that records an exit at once instead of ending the test runner; optionally a terminal.
 */
import { rmdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { FakeIo, type FakeIoOptions } from './fake-io.js';

export class SignalIo extends FakeIo {
  override readonly isTTY: boolean;
  /** The terminal's width, when the test gives one. */
  readonly columns: number | undefined;
  /** Codes `exitNow` was called with. */
  readonly exits: number[] = [];
  private readonly listeners = new Set<(signal: 'SIGINT' | 'SIGTERM') => void>();
  private readonly onDisk: boolean;

  constructor(options: FakeIoOptions & { tty?: boolean; columns?: number } = {}) {
    super(options);
    this.isTTY = options.tty ?? false;
    this.columns = options.columns;
    this.onDisk = options.writeToDisk ?? false;
  }

  onSignal(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers `signal` as the process would: to every listener on. */
  send(signal: 'SIGINT' | 'SIGTERM'): void {
    for (const listener of [...this.listeners]) listener(signal);
  }

  /** How many listeners are on (0 once a command is done with them). */
  get listening(): number {
    return this.listeners.size;
  }

  exitNow(code: number): void {
    this.exits.push(code);
  }

  removeDirectory(path: string): void {
    if (this.onDisk) rmdirSync(resolve(this.cwd, path));
  }
}
