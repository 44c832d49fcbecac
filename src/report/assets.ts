/**
 * The chart libraries a report inlines: the UMD builds of vega, vega-lite and vega-embed, read from
 * the installed packages (their `exports` hide the build files, so each is found from its package
 * root). Read once per process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InlineScript {
  /** Package and version, for the report's footer and a comment before the code. */
  name: string;
  code: string;
}

const BUILDS = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

let cached: InlineScript[] | undefined;

/** vega, vega-lite and vega-embed, in load order (vega-embed needs the other two as globals). */
export function chartLibraries(): InlineScript[] {
  cached ??= BUILDS.map(([pkg, file]) => {
    const root = packageRoot(pkg);
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
      .version;
    const code = readFileSync(join(root, file), 'utf8');
    // Inlined in a <script> element: the code must not contain what would close it.
    if (/<\/script/i.test(code)) throw new Error(`${pkg}/${file} contains "</script" and cannot be inlined`);
    return { name: `${pkg}@${version}`, code };
  });
  return cached;
}

/** The directory of an installed package: up from its entry point to the package.json that names it. */
function packageRoot(pkg: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(pkg)));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === pkg) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package directory of ${pkg}`);
    dir = parent;
  }
}
