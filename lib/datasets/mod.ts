/**
 * Coding datasets: loaders that read external rows unchanged (mxeval/MBXP, HumanEval-style,
 * MultiPL-E, the Python autoconstitution benchmark, and the project's own `CodingItem` JSONL) and
 * convert them to `CodingItem`, and a deterministic visible/hidden test split. Validating a dataset
 * in the sandbox (references must pass, stubs must fail) is `validateDataset` in `lib/sandbox`.
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
