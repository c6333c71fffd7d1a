/**
 * Coding datasets: loaders that read external rows unchanged (mxeval/MBXP, HumanEval-style,
 * MultiPL-E, the Python autoconstitution benchmark, and the project's own `CodingItem` JSONL) and
 * convert them to `CodingItem`, a deterministic visible/hidden test split, and sandboxed validation
 * (references must pass, stubs must fail).
 *
 * @module
 */
export {
  convertRows,
  type DatasetFormat,
  detectFormat,
  loadDataset,
  type LoadDatasetOptions,
} from "./load_dataset.ts";
export {
  type ConvertOptions,
  fromHumanEval,
  type HumanEvalRow,
  HumanEvalRowSchema,
  missingReference,
  RowConversionError,
} from "./from_humaneval.ts";
export { fromMultiplE, type MultiplERow, MultiplERowSchema } from "./from_multipl_e.ts";
export {
  type AutoconstitutionPythonRow,
  AutoconstitutionPythonRowSchema,
  fromAutoconstitutionPython,
} from "./from_autoconstitution_python.ts";
export { splitTests, type SplitTestsOptions } from "./split_tests.ts";
export { bareImports, DEFAULT_NPM_PINS } from "./npm_pins.ts";
export {
  type DatasetValidation,
  DatasetValidationSchema,
  type RowValidation,
  RowValidationSchema,
  type RunSummary,
  RunSummarySchema,
  STUB_BODY,
  stubProgram,
  validateDataset,
  type ValidateDatasetOptions,
} from "./validate_dataset.ts";
