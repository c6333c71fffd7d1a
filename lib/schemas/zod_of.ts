/**
 * Internal bridge from the public {@linkcode Schema} type back to zod, for composing schemas and
 * deriving JSON Schema. Not part of the public API.
 *
 * @module
 */
import { z } from "zod";
import type { Schema } from "./schema.ts";

/**
 * Views a library schema as the zod schema it is.
 *
 * @param schema A schema exported by this library.
 * @returns The same object, typed as zod.
 * @throws {TypeError} when it is not a zod schema.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { zodOf } from "./zod_of.ts";
 * const s = zodOf(z.object({ a: z.number() }));
 * if (!s.optional().safeParse(undefined).success) throw new Error();
 * ```
 */
export function zodOf<T>(schema: Schema<T>): z.ZodType<T> {
  if (!(schema instanceof z.ZodType)) {
    throw new TypeError("Cannot use the schema: it is not a zod schema");
  }
  return schema as unknown as z.ZodType<T>;
}
