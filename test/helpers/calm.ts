/**
 * "calm": the small scenario CLI tests run when they need a run and not its content: 500 records/s
 * of 1 KiB over 1,000 uniform keys on 2 shards (500 × 1.2 = 600 records/s and ~0.6 MiB/s fit one
 * shard, so 2 never throttle), seed 7. Each test picks its length, whether a polling reader reads
 * it, and its gates.
 */
export interface CalmOptions {
  /** How long it runs, as the scenario writes it (`2m`, `3s`). */
  duration?: string;
  /** One polling consumer, `reader`. */
  reader?: boolean;
  gates?: readonly string[];
}

export function calmScenario({ duration = '2m', reader = false, gates = [] }: CalmOptions = {}): string {
  return `name: calm
duration: ${duration}
seed: 7
stream: { shards: 2 }
producers:
  - name: app
    rate: 500/s
    recordSize: 1KiB
    keys: { dist: uniform, count: 1000 }
${reader ? 'consumers:\n  - { name: reader, type: polling }\n' : ''}${gates.length > 0 ? `gates:\n${gates.map((g) => `  - ${g}\n`).join('')}` : ''}`;
}
