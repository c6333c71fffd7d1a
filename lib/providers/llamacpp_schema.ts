/**
 * Adapting a JSON Schema (as `z.toJSONSchema` writes it) to the subset node-llama-cpp compiles into a
 * grammar, so constrained decoding can only produce values that also pass the zod schema.
 *
 * @module
 */

const KEPT = new Set([
  "type",
  "description",
  "const",
  "enum",
  "properties",
  "additionalProperties",
  "minProperties",
  "maxProperties",
  "required",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "format",
  "$defs",
  "$ref",
]);

/** Number of evenly spaced values a bounded `number` is restricted to. */
export const BOUNDED_NUMBER_STEPS = 20;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function boundedEnum(schema: Json): number[] | undefined {
  const { type, minimum, maximum } = schema;
  if (typeof minimum !== "number" || typeof maximum !== "number") return undefined;
  if (!Number.isFinite(minimum) || !Number.isFinite(maximum) || maximum < minimum) return undefined;
  if (type === "integer") {
    const lo = Math.ceil(minimum);
    const hi = Math.floor(maximum);
    if (hi - lo > 256) return undefined;
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  if (type === "number") {
    if (maximum === minimum) return [minimum];
    const step = (maximum - minimum) / BOUNDED_NUMBER_STEPS;
    return Array.from(
      { length: BOUNDED_NUMBER_STEPS + 1 },
      (_, i) => i === BOUNDED_NUMBER_STEPS ? maximum : Number((minimum + i * step).toPrecision(12)),
    );
  }
  return undefined;
}

function convert(schema: unknown, path: string): unknown {
  if (typeof schema === "boolean") return schema ? {} : { enum: [] };
  if (!isObject(schema)) {
    throw new TypeError(`JSON schema at ${path} must be an object, got ${JSON.stringify(schema)}`);
  }
  let source: Json = schema;
  if (Array.isArray(source.allOf)) {
    if (source.allOf.length !== 1) {
      throw new TypeError(`JSON schema at ${path}: allOf with several parts is not supported`);
    }
    const { allOf, ...rest } = source;
    source = { ...(allOf[0] as Json), ...rest };
  }
  const enumValues = source.enum === undefined && source.const === undefined
    ? boundedEnum(source)
    : undefined;
  if (enumValues) {
    return source.description === undefined
      ? { enum: enumValues }
      : { enum: enumValues, description: source.description };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "anyOf" || key === "oneOf") {
      if (!Array.isArray(value)) {
        throw new TypeError(`JSON schema at ${path}.${key} must be an array`);
      }
      out.oneOf = value.map((v, i) => convert(v, `${path}.${key}[${i}]`));
      continue;
    }
    if (!KEPT.has(key)) continue;
    if (key === "format" && !["date-time", "time", "date"].includes(String(value))) continue;
    if (key === "properties" || key === "$defs") {
      if (!isObject(value)) throw new TypeError(`JSON schema at ${path}.${key} must be an object`);
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, convert(v, `${path}.${key}.${k}`)]),
      );
      continue;
    }
    if (key === "items" || (key === "additionalProperties" && isObject(value))) {
      out[key] = convert(value, `${path}.${key}`);
      continue;
    }
    if (key === "prefixItems") {
      if (!Array.isArray(value)) {
        throw new TypeError(`JSON schema at ${path}.${key} must be an array`);
      }
      out[key] = value.map((v, i) => convert(v, `${path}.${key}[${i}]`));
      continue;
    }
    out[key] = value;
  }
  return out;
}

/**
 * Converts a JSON Schema to the dialect node-llama-cpp turns into a grammar: `anyOf` becomes `oneOf`,
 * a single-part `allOf` is inlined, unsupported keywords (`$schema`, `pattern`, `minimum`, …) are
 * dropped, and bounded numbers — which the grammar cannot range-check — become enums: integers with at
 * most 257 values list them all, other numbers take {@linkcode BOUNDED_NUMBER_STEPS}` + 1` evenly
 * spaced values (so a judge's `score` in [0, 1] is one of 0, 0.05, …, 1 and always validates).
 *
 * @param schema A JSON Schema object.
 * @returns A new schema object (the input is not changed).
 * @throws TypeError naming the path of a part it cannot convert.
 *
 * @example A bounded score becomes an enum
 * ```ts
 * import { toGbnfJsonSchema } from "./llamacpp_schema.ts";
 * const out = toGbnfJsonSchema({
 *   $schema: "https://json-schema.org/draft/2020-12/schema",
 *   type: "object",
 *   properties: { score: { type: "number", minimum: 0, maximum: 1 } },
 *   required: ["score"],
 * }) as { $schema?: string; properties: { score: { enum: number[] } } };
 * if (out.$schema !== undefined) throw new Error("$schema kept");
 * const values = out.properties.score.enum;
 * if (values.length !== 21 || values[0] !== 0 || values[20] !== 1 || values[1] !== 0.05) throw new Error();
 * ```
 */
export function toGbnfJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  if (!isObject(schema)) {
    throw new TypeError(`jsonSchema must be an object, got ${JSON.stringify(schema)}`);
  }
  return convert(schema, "$") as Record<string, unknown>;
}
