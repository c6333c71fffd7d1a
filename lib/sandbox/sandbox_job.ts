/**
 * One unit of sandbox work: a whole candidate program, the name of its entry point and the tests to
 * run against it.
 *
 * @module
 */
import { z } from "zod";
import { TestCaseSchema } from "../schemas/coding.ts";

/** One unit of sandbox work. */
export const SandboxJobSchema = z.object({
  /** Label used in batch results and errors. */
  id: z.string().optional(),
  /** Language of the program and tests. Absent means "typescript". */
  language: z.enum(["typescript", "python"]).optional(),
  /** The whole program (for TypeScript: a module defining the entry point). */
  program: z.string(),
  /** Name of the function (or class) the tests call. */
  entryPoint: z.string().min(1),
  /** Module-level test code run before the tests (Python: imports and helpers of a pytest module). */
  setup: z.string().optional(),
  /** The tests to run, in order; every one must execute for the run to count. */
  tests: z.array(TestCaseSchema),
  /**
   * Bare import specifiers the program may use, mapped to pinned npm specifiers
   * (e.g. `{ "heap-js": "npm:heap-js@2.7.1" }`). They are resolved only from a pre-warmed,
   * read-only cache; nothing is downloaded inside the sandbox.
   */
  imports: z.record(z.string(), z.string().regex(/^npm:[^\s]+@[^\s]+$/)).optional(),
});
/** One unit of sandbox work. */
export type SandboxJob = z.infer<typeof SandboxJobSchema>;
