/** kinesalite ships no types: the part the serve benchmark uses. */
declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
  }
  export default function kinesalite(options?: KinesaliteOptions): Server;
}
