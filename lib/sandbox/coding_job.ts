/**
 * From a coding item and a program to a {@linkcode SandboxJob}: which tests, which entry point, which
 * npm imports and which test setup the item declares.
 *
 * @module
 */
import type { CodingItem } from "../schemas/coding.ts";
import type { SandboxJob } from "./sandbox_job.ts";

/** Which of an item's test sets to run. */
export type TestSet = "visible" | "hidden" | "all";

/**
 * Builds the sandbox job that runs `program` against one of the item's test sets. Reads the item's
 * `metadata.imports` (bare specifier → pinned `npm:` specifier) and `metadata.testSetup` (module-level
 * test code, e.g. a pytest module's imports).
 *
 * @param item The coding item.
 * @param program The whole program to test.
 * @param options Which tests to run.
 * @returns The job.
 *
 * @example Hidden tests only
 * ```ts
 * import { codingJob } from "./coding_job.ts";
 * const item = {
 *   id: "x", prompt: "p", language: "typescript" as const, entryPoint: "f", reference: "const f = () => 1;",
 *   visibleTests: [{ name: "v", code: "assert.strictEqual(f(), 1);" }],
 *   hiddenTests: [{ name: "h", code: "assert.strictEqual(f(), 1);" }],
 * };
 * const job = codingJob(item, item.reference, { which: "hidden" });
 * if (job.tests.length !== 1 || job.tests[0].name !== "h") throw new Error();
 * ```
 */
export function codingJob(
  item: CodingItem,
  program: string,
  options: { which?: TestSet } = {},
): SandboxJob {
  const which = options.which ?? "hidden";
  if (!["visible", "hidden", "all"].includes(which)) {
    throw new TypeError(
      `Cannot select tests "visible" | "hidden" | "all": current value is ${which}`,
    );
  }
  const tests = which === "visible"
    ? item.visibleTests
    : which === "hidden"
    ? item.hiddenTests
    : [...item.visibleTests, ...item.hiddenTests];
  const imports = item.metadata?.imports;
  const setup = item.metadata?.testSetup;
  return {
    id: item.id,
    language: item.language ?? "typescript",
    program,
    entryPoint: item.entryPoint,
    tests,
    ...(imports && typeof imports === "object" && Object.keys(imports).length > 0
      ? { imports: imports as Record<string, string> }
      : {}),
    ...(typeof setup === "string" && setup.trim() !== "" ? { setup } : {}),
  };
}
