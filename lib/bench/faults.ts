/**
 * Fault injection for the simulated student: small, realistic mutations of a reference program
 * (off-by-one, flipped comparison, wrong operator, dropped branch). Every simulated candidate is real
 * code that the sandbox runs; only the *author* is simulated.
 *
 * @module
 */

/** The kinds of fault the simulator injects. */
export type FaultKind = "off_by_one" | "flipped_comparison" | "wrong_operator" | "dropped_branch";

/** One place in a program where a fault can be injected. */
export interface FaultSite {
  /** Character offset of the replaced text. */
  index: number;
  /** The original text at `index`. */
  original: string;
  /** What replaces it. */
  replacement: string;
  /** Kind of fault. */
  kind: FaultKind;
}

const RULES: { re: RegExp; kind: FaultKind; swap: (m: string) => string }[] = [
  { re: / <= /g, kind: "off_by_one", swap: () => " < " },
  { re: / >= /g, kind: "off_by_one", swap: () => " > " },
  { re: / < /g, kind: "off_by_one", swap: () => " <= " },
  { re: / > /g, kind: "flipped_comparison", swap: () => " < " },
  { re: / === /g, kind: "flipped_comparison", swap: () => " !== " },
  { re: / !== /g, kind: "flipped_comparison", swap: () => " === " },
  { re: / \+ 1\b/g, kind: "off_by_one", swap: () => "" },
  { re: / - 1\b/g, kind: "off_by_one", swap: () => "" },
  { re: / \+ (?!1\b)/g, kind: "wrong_operator", swap: () => " - " },
  { re: / - (?!1\b)/g, kind: "wrong_operator", swap: () => " + " },
  { re: / && /g, kind: "wrong_operator", swap: () => " || " },
  { re: / \|\| /g, kind: "wrong_operator", swap: () => " && " },
  { re: /= 0;/g, kind: "off_by_one", swap: () => "= 1;" },
  {
    re: /^[ \t]*if \([^\n]*\) (?:return|continue|break)[^\n]*;[ \t]*$/gm,
    kind: "dropped_branch",
    swap: () => "",
  },
];

/**
 * Finds every place in a program where a fault can be injected, in source order.
 *
 * @param code A TypeScript program.
 * @returns The candidate sites (non-overlapping; the first rule wins at a position).
 *
 * @example
 * ```ts
 * import { findFaultSites } from "./faults.ts";
 * const sites = findFaultSites("if (a < b) return a + 1;");
 * if (!sites.some((s) => s.kind === "off_by_one")) throw new Error();
 * ```
 */
export function findFaultSites(code: string): FaultSite[] {
  const sites: FaultSite[] = [];
  const taken: [number, number][] = [];
  for (const rule of RULES) {
    for (const m of code.matchAll(rule.re)) {
      const start = m.index!, end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && a < end)) continue;
      taken.push([start, end]);
      sites.push({ index: start, original: m[0], replacement: rule.swap(m[0]), kind: rule.kind });
    }
  }
  return sites.sort((a, b) => a.index - b.index);
}

/**
 * Applies a set of faults (indices into `sites`) to a program.
 *
 * @param code The original program.
 * @param sites Sites from {@linkcode findFaultSites} on the same program.
 * @param chosen Indices into `sites` to apply.
 * @returns The mutated program (the original when `chosen` is empty).
 *
 * @example
 * ```ts
 * import { applyFaults, findFaultSites } from "./faults.ts";
 * const code = "return a + b;";
 * const sites = findFaultSites(code);
 * if (applyFaults(code, sites, [0]) !== "return a - b;") throw new Error();
 * ```
 */
export function applyFaults(code: string, sites: FaultSite[], chosen: readonly number[]): string {
  const apply = [...new Set(chosen)].map((i) => {
    const site = sites[i];
    if (!site) throw new RangeError(`Cannot apply fault: site index ${i} is out of range`);
    return site;
  }).sort((a, b) => b.index - a.index);
  let out = code;
  for (const s of apply) {
    out = out.slice(0, s.index) + s.replacement + out.slice(s.index + s.original.length);
  }
  return out;
}
