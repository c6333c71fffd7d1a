/**
 * Early argument checks shared by the statistics functions. Every failure throws with a message that
 * names the offending value, so a bad call fails at the call site rather than as a NaN in a report.
 *
 * @module
 */

/**
 * Checks that a value is an array of finite numbers.
 *
 * @param values The candidate array.
 * @param name Name used in error messages (e.g. `"a"`).
 * @throws {TypeError} when `values` is not an array or an element is not a finite number.
 *
 * @example Reject a NaN
 * ```ts
 * import { assertFiniteArray } from "./validate.ts";
 * let message = "";
 * try { assertFiniteArray([1, NaN], "a"); } catch (e) { message = (e as Error).message; }
 * if (!message.includes("a[1]")) throw new Error(message);
 * ```
 */
export function assertFiniteArray(
  values: unknown,
  name: string,
): asserts values is readonly number[] {
  if (!Array.isArray(values)) {
    throw new TypeError(`${name} must be an array of numbers, got ${describeValue(values)}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(`${name}[${i}] must be a finite number, got ${describeValue(v)}`);
    }
  }
}

/**
 * Checks that two arrays are paired scores: both arrays of finite numbers, of equal length.
 *
 * @param a Baseline scores.
 * @param b Treatment scores, `b[i]` paired with `a[i]`.
 * @throws {TypeError} when an element is not a finite number.
 * @throws {RangeError} when the lengths differ.
 *
 * @example Lengths must match
 * ```ts
 * import { assertPaired } from "./validate.ts";
 * let threw = false;
 * try { assertPaired([1, 2], [1]); } catch { threw = true; }
 * if (!threw) throw new Error();
 * ```
 */
export function assertPaired(a: readonly number[], b: readonly number[]): void {
  assertFiniteArray(a, "a");
  assertFiniteArray(b, "b");
  if (a.length !== b.length) {
    throw new RangeError(
      `a and b must be paired (same length), got a.length=${a.length} and b.length=${b.length}`,
    );
  }
}

/** Bounds for {@linkcode assertInteger}. */
export interface IntegerBounds {
  /** Smallest allowed value (inclusive). @default Number.MIN_SAFE_INTEGER */
  min?: number;
  /** Largest allowed value (inclusive). @default Number.MAX_SAFE_INTEGER */
  max?: number;
}

/**
 * Checks that an option is an integer within inclusive bounds.
 *
 * @param value The option value.
 * @param name Option name for the message.
 * @param bounds Inclusive bounds.
 * @throws {RangeError} naming the option and the value.
 *
 * @example Reject zero resamples
 * ```ts
 * import { assertInteger } from "./validate.ts";
 * let threw = false;
 * try { assertInteger(0, "resamples", { min: 1 }); } catch { threw = true; }
 * if (!threw) throw new Error();
 * ```
 */
export function assertInteger(value: number, name: string, bounds: IntegerBounds = {}): void {
  const min = bounds.min ?? Number.MIN_SAFE_INTEGER;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${name} must be an integer in [${min}, ${max}], got ${describeValue(value)}`,
    );
  }
}

/** Bounds for {@linkcode assertNumberIn}. */
export interface NumberBounds {
  /** Lower bound. @default -Infinity */
  min?: number;
  /** Upper bound. @default Infinity */
  max?: number;
  /** Exclude the lower bound itself. @default false */
  openMin?: boolean;
  /** Exclude the upper bound itself. @default false */
  openMax?: boolean;
}

/**
 * Checks that an option is a finite number within bounds, open or closed at either end.
 *
 * @param value The option value.
 * @param name Option name for the message.
 * @param bounds Bounds and whether each end is open (excluded).
 * @throws {RangeError} naming the option and the value.
 *
 * @example Confidence must be strictly between 0 and 1
 * ```ts
 * import { assertNumberIn } from "./validate.ts";
 * let threw = false;
 * try {
 *   assertNumberIn(1, "confidence", { min: 0, max: 1, openMin: true, openMax: true });
 * } catch {
 *   threw = true;
 * }
 * if (!threw) throw new Error();
 * ```
 */
export function assertNumberIn(value: number, name: string, bounds: NumberBounds = {}): void {
  const min = bounds.min ?? -Infinity;
  const max = bounds.max ?? Infinity;
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (bounds.openMin ? value > min : value >= min) &&
    (bounds.openMax ? value < max : value <= max);
  if (!ok) {
    const lo = bounds.openMin || min === -Infinity ? "(" : "[";
    const hi = bounds.openMax || max === Infinity ? ")" : "]";
    throw new RangeError(
      `${name} must be a finite number in ${lo}${min}, ${max}${hi}, got ${describeValue(value)}`,
    );
  }
}

/**
 * Checks a seed option: any safe integer.
 *
 * @param seed The seed.
 * @throws {RangeError} naming the value.
 *
 * @example Reject a fractional seed
 * ```ts
 * import { assertSeed } from "./validate.ts";
 * let threw = false;
 * try { assertSeed(1.5); } catch { threw = true; }
 * if (!threw) throw new Error();
 * ```
 */
export function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer, got ${describeValue(seed)}`);
  }
}

/**
 * A short description of a value for error messages: numbers as written, strings quoted, else the
 * kind ("null", "an array", "object", …).
 *
 * @param value Any value.
 * @returns Its description.
 *
 * @example
 * ```ts
 * import { describeValue } from "./validate.ts";
 * if (describeValue("x") !== '"x"' || describeValue([1]) !== "an array") throw new Error();
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
