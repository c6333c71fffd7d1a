/**
 * The contracts that plug into the critique–revision loop ({@linkcode Critic}, {@linkcode Scorer},
 * {@linkcode EvalContext}, {@linkcode Feedback}), re-exported from `lib/schemas/eval_contracts.ts`
 * where they are defined, so that critics can implement them without importing the loop.
 *
 * @module
 */
export type { Critic, EvalContext, Feedback, Scorer } from "../schemas/eval_contracts.ts";
