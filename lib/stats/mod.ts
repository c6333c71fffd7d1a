/**
 * Honest paired statistics for "did critique/revision make answers better?": paired bootstrap CIs
 * (BCa and percentile) of the mean difference, the exact sign test and exact McNemar test on
 * discordant pairs, the paired sign-flip permutation test, a cluster bootstrap over items for
 * repeated seeds, simulation-based power analysis, and {@linkcode summarizePaired}, which bundles
 * them into one `summary.json` record. For judges rather than arms: inter-rater agreement
 * (Krippendorff's α, Cohen's κ, raw agreement) and a bootstrap CI of any of them over items
 * ({@linkcode agreementCi}). For repeated noisy measurements of two versions (autoresearch's
 * acceptance rule): one-sided Welch and paired t-tests ({@linkcode welchTest},
 * {@linkcode pairedTest}).
 *
 * All functions are pure and seeded: the same data and seed give the same result. Degenerate data
 * (no pairs, one pair, all differences equal) produce explicit records with a `note`, never NaN.
 * The one exception are the agreement point functions, which return a bare number: they return NaN
 * when the statistic is undefined (nothing pairable, no variation), and {@linkcode agreementCi}
 * turns that into `null` with a note.
 *
 * @example Summarize a paired experiment
 * ```ts
 * import { summarizePaired } from "./mod.ts";
 * const s = summarizePaired([0.2, 0.5, 0.4, 0.6], [0.4, 0.6, 0.4, 0.9]);
 * if (s.wtl.wins !== 3 || s.wtl.ties !== 1) throw new Error();
 * ```
 *
 * @module
 */
export type { SafeParseResult, Schema, SchemaIssue } from "../schemas/schema.ts";
export { DEFAULT_SEED } from "./default_seed.ts";
export { meanDelta } from "./mean_delta.ts";
export {
  type WinsTiesLosses,
  winsTiesLosses,
  type WinsTiesLossesOptions,
  WinsTiesLossesSchema,
} from "./wins_ties_losses.ts";
export {
  type BootstrapCi,
  BootstrapCiSchema,
  type BootstrapMethod,
  BootstrapMethodSchema,
} from "./bootstrap_ci_schema.ts";
export { bootstrapCi, type BootstrapCiOptions } from "./bootstrap_ci.ts";
export {
  type ClusterBootstrapCi,
  clusterBootstrapCi,
  type ClusterBootstrapCiOptions,
  ClusterBootstrapCiSchema,
  type ClusterWeighting,
  ClusterWeightingSchema,
  type PairedObservation,
  PairedObservationSchema,
} from "./cluster_bootstrap_ci.ts";
export {
  type SignTest,
  signTest,
  signTestCounts,
  type SignTestCountsOptions,
  type SignTestOptions,
  SignTestSchema,
} from "./sign_test.ts";
export { type McNemarTest, mcnemarTest, McNemarTestSchema } from "./mcnemar_test.ts";
export {
  type PermutationTest,
  permutationTest,
  type PermutationTestOptions,
  PermutationTestSchema,
} from "./permutation_test.ts";
export {
  type PowerAnalysis,
  powerAnalysis,
  type PowerAnalysisOptions,
  PowerAnalysisSchema,
  type PowerModel,
  PowerModelSchema,
  type PowerTest,
  PowerTestSchema,
} from "./power_analysis.ts";
export {
  type PairedSummary,
  PairedSummarySchema,
  summarizePaired,
  type SummarizePairedOptions,
} from "./summarize_paired.ts";
export { type BinomialHalfTest, binomialHalfTest } from "./binomial_half.ts";
export {
  type AgreementCi,
  agreementCi,
  type AgreementCiOptions,
  AgreementCiSchema,
  type AlphaLevel,
  cohenKappa,
  krippendorffAlpha,
  type KrippendorffAlphaOptions,
  rawAgreement,
} from "./agreement.ts";
export { normalCdf, normalQuantile } from "./normal.ts";
export {
  mean,
  pairedTest,
  sampleVariance,
  studentTCdf,
  type TestOptions,
  type TTestResult,
  welchTest,
} from "./welch.ts";
