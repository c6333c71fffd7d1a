/**
 * Scalarizers: turn several measured objectives into the one number the research loop compares.
 * Every scalarizer returns a value to **minimise**. Each objective is first *oriented* (negated when
 * it is maximised) and divided by its `scale`, so objectives in different units become comparable:
 * `q_i = (direction_i === "minimize" ? f_i : -f_i) / scale_i`.
 *
 * - {@linkcode convexSum}: `Σ w_i q_i / Σ w_i` — simple, but only finds points on the convex hull of
 *   the Pareto front.
 * - {@linkcode weightedTchebycheff}: `max_i w_i (q_i − q*_i) + ρ Σ w_i (q_i − q*_i)` against an ideal
 *   point `q*` — reaches non-convex parts of the front; the small augmentation `ρ` breaks ties
 *   toward Pareto-optimal points.
 * - {@linkcode lexicographicScalar}: priorities in list order, encoded as `Σ q_i · resolution^i`;
 *   exact while lower-priority differences stay below `1/resolution` of a higher-priority unit.
 *   {@linkcode compareLexicographic} gives the exact order with per-objective tolerances.
 * - {@linkcode epsilonConstraint}: optimise one primary objective subject to bounds on the others;
 *   violations add `penalty × (scaled violation)`, so infeasible points always lose to feasible ones
 *   whose primary differs by less than the penalty.
 *
 * @module
 */
import { z } from "zod";
import type { Schema } from "../schemas/schema.ts";

/** One objective of a multi-metric problem (raw units; `scale` converts to comparable units). */
export interface Objective {
  /** Metric name, as measured. */
  name: string;
  /** Which way is better. */
  direction: "minimize" | "maximize";
  /** Relative importance (convex sum, Tchebycheff). */
  weight: number;
  /** Divides the raw value (a typical range), so objectives in different units mix. */
  scale: number;
  /** Ideal (best achievable) raw value, the Tchebycheff reference point. */
  ideal: number;
  /** Differences up to this raw amount count as ties (exact lexicographic comparison). */
  tolerance: number;
  /** ε-constraint bound in raw units: the value must be at most (minimize) / at least (maximize) it. */
  bound?: number;
}

/** One objective as written by users: defaults are weight 1, scale 1, ideal 0, tolerance 0. */
export type ObjectiveInput =
  & Pick<Objective, "name" | "direction" | "bound">
  & Partial<Pick<Objective, "weight" | "scale" | "ideal" | "tolerance">>;

const objectiveObject = z.object({
  name: z.string().min(1),
  direction: z.enum(["minimize", "maximize"]),
  weight: z.number().nonnegative().default(1),
  scale: z.number().positive().default(1),
  ideal: z.number().default(0),
  tolerance: z.number().nonnegative().default(0),
  bound: z.number().optional(),
});

/** Schema of {@linkcode Objective} (applies the defaults). */
export const ObjectiveSchema: Schema<Objective, ObjectiveInput> = objectiveObject;

const objectives = z.array(objectiveObject).min(1);

/** A scalarizer specification, discriminated by `kind` (defaults applied). */
export type Scalarizer =
  | { kind: "convex"; objectives: Objective[] }
  | {
    kind: "tchebycheff";
    objectives: Objective[];
    /** Augmentation coefficient ρ. */
    rho: number;
  }
  | {
    kind: "lexicographic";
    objectives: Objective[];
    /** Weight ratio between consecutive priorities. */
    resolution: number;
  }
  | {
    kind: "epsilon";
    /** Name of the objective to optimise; the others need a `bound`. */
    primary: string;
    objectives: Objective[];
    /** Cost per scaled unit of constraint violation. */
    penalty: number;
  };

/** A scalarizer as written by users (defaults: ρ 1e-4, resolution 1e-3, penalty 1e6). */
export type ScalarizerInput =
  | { kind: "convex"; objectives: ObjectiveInput[] }
  | { kind: "tchebycheff"; objectives: ObjectiveInput[]; rho?: number }
  | { kind: "lexicographic"; objectives: ObjectiveInput[]; resolution?: number }
  | { kind: "epsilon"; primary: string; objectives: ObjectiveInput[]; penalty?: number };

/** Schema of {@linkcode Scalarizer}. */
export const ScalarizerSchema: Schema<Scalarizer, ScalarizerInput> = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("convex"), objectives }),
    z.object({
      kind: z.literal("tchebycheff"),
      objectives,
      rho: z.number().nonnegative().default(1e-4),
    }),
    z.object({
      kind: z.literal("lexicographic"),
      objectives,
      resolution: z.number().positive().max(1).default(1e-3),
    }),
    z.object({
      kind: z.literal("epsilon"),
      primary: z.string().min(1),
      objectives,
      penalty: z.number().positive().default(1e6),
    }),
  ],
);

function oriented(values: Record<string, number>, o: Objective): number {
  const v = values[o.name];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`scalarize: objective "${o.name}" has no finite value (got ${v})`);
  }
  return (o.direction === "minimize" ? v : -v) / o.scale;
}

function orientIdeal(o: Objective, raw: number): number {
  return (o.direction === "minimize" ? raw : -raw) / o.scale;
}

function parseObjectives(list: readonly ObjectiveInput[], where: string): Objective[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${where}: objectives must be a non-empty array, got ${String(list)}`);
  }
  return list.map((o) => ObjectiveSchema.parse(o));
}

/** Options for {@linkcode convexSum}. */
export interface ConvexSumOptions {
  /** The objectives (name, direction, weight, scale). */
  objectives: readonly ObjectiveInput[];
}

/**
 * Weighted convex sum of oriented, scaled objectives (weights normalised to sum to 1).
 *
 * @param values Measured raw values by objective name.
 * @param options The objectives.
 * @returns The scalar to minimise.
 *
 * @example Error matters three times as much as latency
 * ```ts
 * import { convexSum } from "./scalarize.ts";
 * const objectives = [
 *   { name: "error", direction: "minimize" as const, weight: 3 },
 *   { name: "latency", direction: "minimize" as const, weight: 1, scale: 100 },
 * ];
 * const a = convexSum({ error: 0.2, latency: 100 }, { objectives });
 * const b = convexSum({ error: 0.1, latency: 110 }, { objectives });
 * if (!(b < a)) throw new Error("lower error should win");
 * ```
 */
export function convexSum(values: Record<string, number>, options: ConvexSumOptions): number {
  const objs = parseObjectives(options?.objectives, "convexSum");
  const total = objs.reduce((s, o) => s + o.weight, 0);
  if (total <= 0) throw new RangeError("convexSum: weights must not all be zero");
  return objs.reduce((s, o) => s + (o.weight / total) * oriented(values, o), 0);
}

/** Options for {@linkcode weightedTchebycheff}. */
export interface TchebycheffOptions {
  /** The objectives (name, direction, weight, scale, ideal). */
  objectives: readonly ObjectiveInput[];
  /** Augmentation coefficient ρ. @default 1e-4 */
  rho?: number;
}

/**
 * Augmented weighted Tchebycheff distance to the ideal point.
 *
 * @param values Measured raw values by objective name.
 * @param options Objectives (with `ideal`) and ρ.
 * @returns The scalar to minimise.
 *
 * @example The worst weighted gap dominates
 * ```ts
 * import { weightedTchebycheff } from "./scalarize.ts";
 * const objectives = [
 *   { name: "a", direction: "minimize" as const, ideal: 0 },
 *   { name: "b", direction: "minimize" as const, ideal: 0 },
 * ];
 * const balanced = weightedTchebycheff({ a: 1, b: 1 }, { objectives, rho: 0 });
 * const lopsided = weightedTchebycheff({ a: 0, b: 1.5 }, { objectives, rho: 0 });
 * if (!(balanced < lopsided)) throw new Error("balanced point should win");
 * ```
 */
export function weightedTchebycheff(
  values: Record<string, number>,
  options: TchebycheffOptions,
): number {
  const objs = parseObjectives(options?.objectives, "weightedTchebycheff");
  const rho = options.rho ?? 1e-4;
  if (!(rho >= 0)) throw new RangeError(`weightedTchebycheff: rho must be >= 0, got ${rho}`);
  let worst = -Infinity, sum = 0;
  for (const o of objs) {
    const gap = o.weight * (oriented(values, o) - orientIdeal(o, o.ideal));
    worst = Math.max(worst, gap);
    sum += gap;
  }
  return worst + rho * sum;
}

/** Options for {@linkcode lexicographicScalar}. */
export interface LexicographicOptions {
  /** Objectives in priority order (first = most important). */
  objectives: readonly ObjectiveInput[];
  /** Weight ratio between consecutive priorities. @default 1e-3 */
  resolution?: number;
}

/**
 * Lexicographic priorities encoded as one number: `Σ_i q_i · resolution^i`.
 *
 * @param values Measured raw values by objective name.
 * @param options Objectives in priority order and the resolution.
 * @returns The scalar to minimise.
 *
 * @example Accuracy first, then size
 * ```ts
 * import { lexicographicScalar } from "./scalarize.ts";
 * const objectives = [
 *   { name: "accuracy", direction: "maximize" as const },
 *   { name: "size", direction: "minimize" as const, scale: 1000 },
 * ];
 * const small = lexicographicScalar({ accuracy: 0.9, size: 10 }, { objectives });
 * const accurate = lexicographicScalar({ accuracy: 0.91, size: 900 }, { objectives });
 * if (!(accurate < small)) throw new Error("accuracy has priority");
 * ```
 */
export function lexicographicScalar(
  values: Record<string, number>,
  options: LexicographicOptions,
): number {
  const objs = parseObjectives(options?.objectives, "lexicographicScalar");
  const resolution = options.resolution ?? 1e-3;
  if (!(resolution > 0 && resolution <= 1)) {
    throw new RangeError(`lexicographicScalar: resolution must be in (0, 1], got ${resolution}`);
  }
  return objs.reduce((s, o, i) => s + oriented(values, o) * resolution ** i, 0);
}

/**
 * Exact lexicographic comparison with per-objective tolerances (differences within `tolerance` are
 * ties and fall through to the next objective).
 *
 * @param a Raw values of the first point.
 * @param b Raw values of the second point.
 * @param options Objectives in priority order (with `tolerance`).
 * @returns −1 when `a` is better, 1 when `b` is better, 0 when tied on every objective.
 *
 * @example A tie on the first objective falls through
 * ```ts
 * import { compareLexicographic } from "./scalarize.ts";
 * const objectives = [
 *   { name: "loss", direction: "minimize" as const, tolerance: 0.01 },
 *   { name: "ms", direction: "minimize" as const },
 * ];
 * if (compareLexicographic({ loss: 0.500, ms: 9 }, { loss: 0.505, ms: 5 }, { objectives }) !== 1) {
 *   throw new Error("b should win on ms");
 * }
 * ```
 */
export function compareLexicographic(
  a: Record<string, number>,
  b: Record<string, number>,
  options: { objectives: readonly ObjectiveInput[] },
): -1 | 0 | 1 {
  const objs = parseObjectives(options?.objectives, "compareLexicographic");
  for (const o of objs) {
    const qa = oriented(a, o), qb = oriented(b, o);
    if (Math.abs(qa - qb) * o.scale <= o.tolerance) continue;
    return qa < qb ? -1 : 1;
  }
  return 0;
}

/** Options for {@linkcode epsilonConstraint}. */
export interface EpsilonConstraintOptions {
  /** Name of the objective to optimise. */
  primary: string;
  /** All objectives; every non-primary one must carry a `bound`. */
  objectives: readonly ObjectiveInput[];
  /** Cost per scaled unit of violation. @default 1e6 */
  penalty?: number;
}

/**
 * ε-constraint: the oriented primary objective plus `penalty × Σ scaled violations` of the bounds
 * on the other objectives.
 *
 * @param values Measured raw values by objective name.
 * @param options Primary name, objectives with bounds, penalty.
 * @returns The scalar to minimise.
 *
 * @example A fast but over-budget point loses
 * ```ts
 * import { epsilonConstraint } from "./scalarize.ts";
 * const options = {
 *   primary: "ms",
 *   objectives: [
 *     { name: "ms", direction: "minimize" as const },
 *     { name: "memory", direction: "minimize" as const, bound: 512 },
 *   ],
 * };
 * const ok = epsilonConstraint({ ms: 20, memory: 500 }, options);
 * const over = epsilonConstraint({ ms: 10, memory: 600 }, options);
 * if (!(ok < over)) throw new Error("the constraint must bind");
 * ```
 */
export function epsilonConstraint(
  values: Record<string, number>,
  options: EpsilonConstraintOptions,
): number {
  const objs = parseObjectives(options?.objectives, "epsilonConstraint");
  const primary = objs.find((o) => o.name === options.primary);
  if (!primary) {
    throw new RangeError(
      `epsilonConstraint: primary "${options.primary}" is not among the objectives`,
    );
  }
  const penalty = options.penalty ?? 1e6;
  if (!(penalty > 0)) {
    throw new RangeError(`epsilonConstraint: penalty must be > 0, got ${penalty}`);
  }
  let violation = 0;
  for (const o of objs) {
    if (o === primary) continue;
    if (o.bound === undefined) {
      throw new RangeError(`epsilonConstraint: objective "${o.name}" needs a bound`);
    }
    violation += Math.max(0, oriented(values, o) - orientIdeal(o, o.bound));
  }
  return oriented(values, primary) + penalty * violation;
}

/**
 * Applies any scalarizer specification (validated with {@linkcode ScalarizerSchema}).
 *
 * @param values Measured raw values by objective name.
 * @param spec The scalarizer.
 * @returns The scalar to minimise.
 *
 * @example Dispatch on kind
 * ```ts
 * import { scalarize } from "./scalarize.ts";
 * const v = scalarize({ a: 2, b: 4 }, {
 *   kind: "convex",
 *   objectives: [{ name: "a", direction: "minimize" }, { name: "b", direction: "minimize" }],
 * });
 * if (v !== 3) throw new Error(`expected 3, got ${v}`);
 * ```
 */
export function scalarize(
  values: Record<string, number>,
  spec: ScalarizerInput,
): number {
  const s = ScalarizerSchema.parse(spec);
  switch (s.kind) {
    case "convex":
      return convexSum(values, s);
    case "tchebycheff":
      return weightedTchebycheff(values, s);
    case "lexicographic":
      return lexicographicScalar(values, s);
    case "epsilon":
      return epsilonConstraint(values, s);
  }
}
