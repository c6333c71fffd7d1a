/**
 * Critics and scorers grounded in tests: the hidden/visible test scorer, the visible-tests critic,
 * the anchor-protocol critic (same tests for feedback and score, for comparison), the hybrid critic
 * (tests + an LLM's reading), the verdict cache they share, and the judge critic (the Judge's
 * verdict as feedback).
 *
 * @module
 */
export { scoreFromResult, testScorer, type TestScorerOptions } from "./test_scorer.ts";
export { anchorTestsCritic, testsCritic, type TestsCriticOptions } from "./tests_critic.ts";
export {
  HYBRID_TEST_REPORT_HEADING,
  hybridCritic,
  type HybridCriticOptions,
} from "./hybrid_critic.ts";
export { judgeCritic, type JudgeCriticOptions } from "./judge_critic.ts";
export { testFeedback, type TestFeedbackOptions } from "./test_feedback.ts";
export { asCodingItem, type TestRun, TestRunner, type TestRunnerOptions } from "./test_runner.ts";
export { VerdictCache, type VerdictCacheOptions, verdictKey } from "./verdict_cache.ts";
