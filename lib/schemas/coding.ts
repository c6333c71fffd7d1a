/**
 * The coding dataset row: a prompt, an entry point, a reference solution and two disjoint test sets —
 * visible tests (a critic may show their failures) and hidden tests (scoring only).
 *
 * On disk (`datasets/*.jsonl`) each line is one {@linkcode CodingItem} as JSON.
 *
 * @module
 */
import { z } from "zod";
import { type Item, ItemSchema } from "./item.ts";
import type { Equals } from "./schema.ts";

/**
 * One unit test: a name and TypeScript statements that throw on failure. The statements run with
 * `assert` bound to `node:assert/strict` and the entry point in scope, e.g.
 * `assert.deepStrictEqual(mergeIntervals([[1, 3], [2, 4]]), [[1, 4]]);`.
 * For Python rows the code is a pytest test function body.
 */
export const TestCaseSchema = z.object({
  name: z.string().min(1),
  code: z.string().min(1),
});
/** One unit test. */
export interface TestCase {
  /** Test name shown in feedback and reports. */
  name: string;
  /** Statements that throw on failure. */
  code: string;
}
const _test: Equals<z.infer<typeof TestCaseSchema>, TestCase> = true;

/** One coding problem. */
export const CodingItemSchema = ItemSchema.extend({
  language: z.enum(["typescript", "python"]).default("typescript"),
  /** Name of the function the tests call. */
  entryPoint: z.string().min(1),
  /** A known-good solution: a whole program defining `entryPoint`. */
  reference: z.string().min(1),
  /** Tests whose failures a critic may show the student. */
  visibleTests: z.array(TestCaseSchema),
  /** Tests used only for scoring; never shown to any role. */
  hiddenTests: z.array(TestCaseSchema).min(1),
  /** For fix-the-bug tasks: the buggy program the prompt asks to repair. */
  buggyCode: z.string().optional(),
  /** Where the row came from (dataset name, licence). */
  source: z.string().optional(),
});
/** One coding problem. */
export interface CodingItem extends Item {
  /** Language of the solution and tests. */
  language: "typescript" | "python";
  /** Name of the function the tests call. */
  entryPoint: string;
  /** A known-good solution: a whole program defining `entryPoint`. */
  reference: string;
  /** Tests whose failures a critic may show the student. */
  visibleTests: TestCase[];
  /** Tests used only for scoring; never shown to any role. */
  hiddenTests: TestCase[];
  /** For fix-the-bug tasks: the buggy program the prompt asks to repair. */
  buggyCode?: string;
  /** Where the row came from (dataset name, licence). */
  source?: string;
}
const _coding: Equals<z.infer<typeof CodingItemSchema>, CodingItem> = true;
