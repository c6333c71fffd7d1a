/**
 * The thin, guarded bridge to the Deno Jupyter kernel: MIME bundles, the `Jupyter.display` symbol,
 * and a display function that is a silent no-op outside the kernel (where reading `Deno.jupyter`
 * throws). It depends on nothing, so charts (`lib/plot`) and notebook views (`lib/ui`) can both
 * display through it.
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

/** The part of `Deno.jupyter` the library uses. */
export interface JupyterApi {
  display(
    obj: unknown,
    options?: { raw?: boolean; update?: boolean; display_id?: string },
  ): Promise<void>;
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void>;
}

/**
 * Returns the kernel's `Deno.jupyter` namespace, or undefined outside `deno jupyter` (where even
 * reading the property throws).
 *
 * @returns The namespace, or undefined outside the kernel.
 *
 * @example Tests do not run in a kernel
 * ```ts
 * import { jupyterApi } from "./jupyter_display.ts";
 * if (jupyterApi() !== undefined) throw new Error("unexpected kernel");
 * ```
 */
export function jupyterApi(): JupyterApi | undefined {
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
 * import { inJupyter } from "./jupyter_display.ts";
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
 * import { asDisplayable, JUPYTER_DISPLAY } from "./jupyter_display.ts";
 * const view = asDisplayable({ "text/plain": "hi" });
 * if (view[JUPYTER_DISPLAY]()["text/plain"] !== "hi") throw new Error();
 * ```
 */
export function asDisplayable(bundle: MimeBundle): NotebookView {
  return { bundle, [JUPYTER_DISPLAY]: () => bundle };
}

/** How long a sent kernel message is given to reach the frontend before the cell may end. */
const KERNEL_FLUSH_MS = 40;

/**
 * Waits until a message just sent to the Deno kernel has been flushed. The kernel resolves
 * `display()`/`broadcast()` before the message leaves its iopub queue; a display at the end of a
 * cell could then arrive after the cell's "idle" status and be dropped by the client (seen with
 * Deno 2.9 and nbclient: one event-loop turn was not always enough on a loaded 2-core machine).
 *
 * @returns A promise that resolves after the flush delay.
 *
 * @example
 * ```ts
 * import { settleKernelMessage } from "./jupyter_display.ts";
 * await settleKernelMessage();
 * ```
 */
export function settleKernelMessage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, KERNEL_FLUSH_MS));
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
 * import { displayBundle } from "./jupyter_display.ts";
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
    await settleKernelMessage();
    return true;
  } catch {
    return false;
  }
}
