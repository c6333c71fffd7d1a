/**
 * Datasets: loaders that read external rows unchanged and convert them in memory. Coding rows
 * (mxeval/MBXP, HumanEval-style, MultiPL-E, the Python autoconstitution benchmark, and the
 * project's own `CodingItem` JSONL) become `CodingItem`s with a deterministic visible/hidden test
 * split; answer rows (GSM8K, multiple choice, generic `{id, prompt, answer, type}`) become
 * `AnswerItem`s and open rows `OpenItem`s. `loadTaskDataset` reads any of them and says which
 * kind it found. Validating a coding dataset in the sandbox (references must pass, stubs must
 * fail) is `validateDataset` in `lib/sandbox`.
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
export { datasetStem, type NumberedRow, readDatasetText, readParquetRows } from "./read_rows.ts";
export { bareImports, DEFAULT_NPM_PINS } from "./npm_pins.ts";
export {
  convertTaskRows,
  loadTaskDataset,
  type LoadTaskDatasetOptions,
  type TaskDataset,
} from "./load_task_dataset.ts";
export {
  detectTaskFormat,
  detectTaskKind,
  type TaskKind,
  type TaskRowFormat,
} from "./detect_task_kind.ts";
export { fromGsm8k, type Gsm8kRow } from "./from_gsm8k.ts";
export { type ChoiceList, type ChoiceRow, fromChoice } from "./from_choice.ts";
export { type AnswerDatasetRow, fromAnswerRow } from "./from_answer_row.ts";
export { fromOpenRow, type OpenRow } from "./from_open_row.ts";
export type { TaskRowOptions } from "./task_row_options.ts";
export {
  ANSWER_INSTRUCTIONS,
  CHOICE_ANSWER_INSTRUCTION,
  EXACT_ANSWER_INSTRUCTION,
  NUMBER_ANSWER_INSTRUCTION,
  SET_ANSWER_INSTRUCTION,
  withAnswerInstruction,
} from "./answer_instructions.ts";
export type { CodingItem, TestCase } from "../schemas/coding.ts";
export type { AnswerItem, AnswerType, OpenItem } from "../schemas/task_item.ts";
export type { Item } from "../schemas/item.ts";
export type { SafeParseResult, Schema, SchemaIssue } from "../schemas/schema.ts";
