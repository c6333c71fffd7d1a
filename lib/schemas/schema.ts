/**
 * The public face of every record schema: a small validator interface that zod schemas satisfy.
 * The library's public API names this interface rather than zod's own types, so the API stays
 * documented and stable across zod versions; at run time every `Schema` the library exports *is* a
 * zod schema.
 *
 * @module
 */
import { z } from "zod";

/** One validation problem. */
export interface SchemaIssue {
  /** Path of the failing field. */
  readonly path: readonly PropertyKey[];
  /** What is wrong. */
  readonly message: string;
}

/** The result of {@linkcode Schema.safeParse}. */
export type SafeParseResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: { readonly issues: readonly SchemaIssue[] } };

/**
 * A validator for records of type `T` (a zod schema underneath).
 *
 * @typeParam T The validated record type.
 * @typeParam _Input The accepted input type before defaults (documentation only).
 */
export interface Schema<T, _Input = unknown> {
  /** Validates and returns the record, or throws with every issue. */
  parse(data: unknown): T;
  /** Validates without throwing. */
  safeParse(data: unknown): SafeParseResult<T>;
}

/** Compile-time check that two types are identical (used to pin interfaces to their zod schemas). */
export type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends B ? 1 : 2)
  ? true
  : false;

/** Compile-time check that two types are assignable both ways (for unions of intersections). */
export type Assignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The JSON Schema of a record schema, for structured LLM output: derived from the same zod schema
 * that validates the answer.
 *
 * @param schema A schema exported by this library (a zod schema).
 * @returns A JSON Schema object (draft 2020-12).
 * @throws {TypeError} when `schema` is not a zod schema.
 *
 * @example
 * ```ts
 * import { toJsonSchema } from "./schema.ts";
 * import { VerdictSchema } from "./trace.ts";
 * const js = toJsonSchema(VerdictSchema);
 * if ((js.required as string[]).indexOf("verdict") < 0) throw new Error();
 * ```
 */
export function toJsonSchema(schema: Schema<unknown>): Record<string, unknown> {
  if (!(schema instanceof z.ZodType)) {
    throw new TypeError("Cannot derive a JSON Schema: the schema is not a zod schema");
  }
  return z.toJSONSchema(schema) as Record<string, unknown>;
}
