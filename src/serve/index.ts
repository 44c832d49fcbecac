/**
 * The services `shardcast serve` serves. The Kinesis model (`kinesis/`), Firehose (`firehose/`) and
 * enhanced fan-out (`efo/`) are assembled here; until they are, the server answers every AWS call
 * with `UnknownOperationException`, and the admin routes work.
 */
import type { ServeClock, Service } from './protocol.js';

export interface ServicesOptions {
  clock: ServeClock;
  limits: 'aws' | 'off';
  /** Where Firehose writes its objects (`--data DIR`); undefined: a temporary directory of its choosing. */
  dataDir: string | undefined;
  region: string;
  accountId: string;
}

export type CreateServices = (options: ServicesOptions) => Service[];

export const createServices: CreateServices = () => [];

export { type RunningServer, type ServerOptions, startServer } from './server.js';
