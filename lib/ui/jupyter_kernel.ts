/**
 * The Deno Jupyter kernel bridge for notebook views: the display bits (MIME bundles, the
 * `Jupyter.display` symbol, {@linkcode displayBundle}), re-exported from
 * `lib/util/jupyter_display.ts` where charts can use them too, and {@linkcode printLine}.
 *
 * @module
 */
import { jupyterApi, settleKernelMessage } from "../util/jupyter_display.ts";

export {
  asDisplayable,
  type Displayable,
  displayBundle,
  type DisplayBundleOptions,
  inJupyter,
  JUPYTER_DISPLAY,
  type MimeBundle,
  type NotebookView,
} from "../util/jupyter_display.ts";

/**
 * Prints text as one line of the current cell's standard output. In the Deno kernel the line is
 * sent as a Jupyter `stream` message and awaited, so it reaches a saved notebook in order with
 * the cell's displays; `console.log` is captured from the process's stdout instead and can arrive
 * after the cell is reported done, which loses it when it is a notebook's last output. Outside the
 * kernel this is `console.log`.
 *
 * @param text The text; a trailing newline is added.
 * @returns Resolves once the kernel has sent the line (at once outside the kernel).
 *
 * @example Outside Jupyter the line goes to stdout
 * ```ts
 * import { printLine } from "./jupyter_kernel.ts";
 * await printLine("3 of 10 traces became pairs");
 * ```
 */
export async function printLine(text: string): Promise<void> {
  const api = jupyterApi();
  if (!api || typeof api.broadcast !== "function") {
    console.log(text);
    return;
  }
  try {
    await api.broadcast("stream", { name: "stdout", text: `${text}\n` });
    await settleKernelMessage();
  } catch {
    console.log(text);
  }
}
