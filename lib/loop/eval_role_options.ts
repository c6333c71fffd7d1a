/**
 * The role options of an LLM call made on the loop's behalf, re-exported from
 * `lib/roles/eval_role_options.ts` (where {@linkcode evalRoleOptions} is defined, so that critics
 * can use it without importing the loop) so that existing imports of this path keep working.
 *
 * @module
 */
export {
  type EvalRoleCall,
  evalRoleOptions,
  type EvalRoleOptionsOptions,
} from "../roles/eval_role_options.ts";
