/**
 * One unit of sandbox work: a whole candidate program, the name of its entry point and the tests to
 * run against it.
 *
 * @module
 */
import { z } from "zod";
import { type TestCase, TestCaseSchema } from "../schemas/coding.ts";
import type { Equals, Schema } from "../schemas/schema.ts";

/** One unit of sandbox work. */
export interface SandboxJob {
  /** Label used in batch results and errors. */
  id?: string;
  /** Language of the program and tests. Absent means "typescript". */
  language?: "typescript" | "python";
  /** The whole program (for TypeScript: a module defining the entry point). */
  program: string;
  /** Name of the function (or class) the tests call. */
  entryPoint: string;
  /**
   * Trusted module-level test code run before the candidate loads: helpers the tests share
   * (TypeScript), or the imports and helpers of a pytest module (Python).
   */
  setup?: string;
  /** The tests to run, in order; every one must execute for the run to count. */
  tests: TestCase[];
  /**
   * Bare import specifiers the program may use, mapped to pinned npm specifiers
   * (e.g. `{ "heap-js": "npm:heap-js@2.7.1" }`). They are resolved only from a pre-warmed,
   * read-only cache; nothing is downloaded inside the sandbox.
   */
  imports?: Record<string, string>;
}
const sandboxJob = z.object({
  id: z.string().optional(),
  language: z.enum(["typescript", "python"]).optional(),
  program: z.string(),
  entryPoint: z.string().min(1),
  setup: z.string().optional(),
  tests: z.array(TestCaseSchema),
  imports: z.record(z.string(), z.string().regex(/^npm:[^\s]+@[^\s]+$/)).optional(),
});
/** Schema of {@linkcode SandboxJob}. */
export const SandboxJobSchema: Schema<SandboxJob> = sandboxJob;
const _sandboxJob: Equals<z.infer<typeof sandboxJob>, SandboxJob> = true;
