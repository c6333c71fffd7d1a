/**
 * The thin, guarded bridge to the Deno Jupyter kernel: MIME bundles, the `Jupyter.display` symbol,
 * and a display function that is a silent no-op outside the kernel (where reading `Deno.jupyter`
 * throws).
 *
 * @module
 */

/**
 * A Jupyter MIME bundle: media type → data (strings for text and SVG, objects for JSON types).
 */
export type MimeBundle = Record<string, string | object>;

/** The symbol the Deno kernel looks for: an object with this method displays as its bundle. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** An object the Deno kernel knows how to display. */
export interface Displayable {
  /** Returns the MIME bundle to show. */
  [JUPYTER_DISPLAY](): MimeBundle;
}

/** A displayable object that also exposes its MIME bundle (for tests, saving, or re-display). */
export interface NotebookView extends Displayable {
  /** The MIME bundle this view displays as. */
  readonly bundle: MimeBundle;
}

/** Options of {@linkcode displayBundle}, as the kernel's `Deno.jupyter.display` takes them. */
export interface DisplayBundleOptions {
  /** Id of the display, so later calls can update it in place. @default undefined */
  displayId?: string;
  /** Replace the output with this `displayId` instead of adding a new one. @default false */
  update?: boolean;
}

/** The part of `Deno.jupyter` this module uses. */
interface JupyterApi {
  display(
    obj: unknown,
    options?: { raw?: boolean; update?: boolean; display_id?: string },
  ): Promise<void>;
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void>;
}

/**
 * Returns the kernel's `Deno.jupyter` namespace, or undefined outside `deno jupyter` (where even
 * reading the property throws).
 */
function jupyterApi(): JupyterApi | undefined {
  try {
    const deno = (globalThis as { Deno?: { jupyter?: JupyterApi } }).Deno;
    const api = deno?.jupyter;
    return api && typeof api.display === "function" ? api : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when running inside the Deno Jupyter kernel.
 *
 * @returns Whether `Deno.jupyter.display` is usable.
 *
 * @example Tests do not run in a kernel
 * ```ts
 * import { inJupyter } from "./jupyter_kernel.ts";
 * if (inJupyter()) throw new Error("unexpected kernel");
 * ```
 */
export function inJupyter(): boolean {
  return jupyterApi() !== undefined;
}

/**
 * Wraps a MIME bundle so the kernel displays it (as a cell's last value or through
 * `Deno.jupyter.display`). The `bundle` property keeps the data inspectable.
 *
 * @param bundle The MIME bundle.
 * @returns A displayable view of the bundle.
 *
 * @example The symbol method returns the bundle
 * ```ts
 * import { asDisplayable, JUPYTER_DISPLAY } from "./jupyter_kernel.ts";
 * const view = asDisplayable({ "text/plain": "hi" });
 * if (view[JUPYTER_DISPLAY]()["text/plain"] !== "hi") throw new Error();
 * ```
 */
export function asDisplayable(bundle: MimeBundle): NotebookView {
  return { bundle, [JUPYTER_DISPLAY]: () => bundle };
}

/**
 * Displays a MIME bundle in the current Jupyter cell; a silent no-op outside the kernel. Never
 * throws: a failing kernel call is reported through the returned value only.
 *
 * @param bundle The MIME bundle.
 * @param options Display id and update flag.
 * @returns True when the kernel accepted the display.
 *
 * @example Outside Jupyter nothing happens
 * ```ts
 * import { displayBundle } from "./jupyter_kernel.ts";
 * if (await displayBundle({ "text/plain": "hi" })) throw new Error("displayed outside Jupyter?");
 * ```
 */
export async function displayBundle(
  bundle: MimeBundle,
  options: DisplayBundleOptions = {},
): Promise<boolean> {
  const api = jupyterApi();
  if (!api) return false;
  try {
    const opts: { raw: boolean; update?: boolean; display_id?: string } = { raw: true };
    if (options.displayId !== undefined) opts.display_id = options.displayId;
    if (options.update) opts.update = true;
    await api.display(bundle, opts);
    // The kernel resolves display() before its message is flushed to the frontend; without one
    // event-loop turn here, a display at the end of a cell can arrive after the cell's "idle"
    // status and be dropped by the client (seen with Deno 2.9 and nbclient).
    await new Promise((resolve) => setTimeout(resolve, 0));
    return true;
  } catch {
    return false;
  }
}

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
    // As in displayBundle: one event-loop turn so the message is flushed before "idle".
    await new Promise((resolve) => setTimeout(resolve, 0));
  } catch {
    console.log(text);
  }
}
