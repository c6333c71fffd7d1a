/**
 * Pinned npm versions for the bare imports that external coding datasets use (MBXP's TypeScript
 * prompts import `heap-js` and `mathjs`). A row's bare import is mapped through this table into the
 * item's `metadata.imports`, which the sandbox resolves from its read-only cache only.
 *
 * @module
 */

/** Bare specifier → pinned npm specifier. Extend it through the loaders' `npmPins` option. */
export const DEFAULT_NPM_PINS: Readonly<Record<string, string>> = Object.freeze({
  "heap-js": "npm:heap-js@2.7.1",
  "mathjs": "npm:mathjs@15.2.0",
});

/**
 * The bare specifiers a TypeScript source imports (relative, absolute, `node:`, `npm:`, `jsr:` and URL
 * imports are not bare).
 *
 * @param source TypeScript source.
 * @returns Distinct bare specifiers, in order of appearance.
 *
 * @example MBXP's heap import
 * ```ts
 * import { bareImports } from "./npm_pins.ts";
 * const found = bareImports("import {Heap} from 'heap-js'\nimport x from './x.ts';");
 * if (found.length !== 1 || found[0] !== "heap-js") throw new Error();
 * ```
 */
export function bareImports(source: string): string[] {
  const out: string[] = [];
  for (
    const m of source.matchAll(
      /^\s*import\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm,
    )
  ) {
    const spec = m[1] ?? m[2];
    if (/^(\.|\/|node:|npm:|jsr:|https?:|data:|file:)/.test(spec)) continue;
    if (!out.includes(spec)) out.push(spec);
  }
  return out;
}
