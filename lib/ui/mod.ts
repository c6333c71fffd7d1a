/**
 * Rendering the event stream for people: plain lines, JSON lines and a live terminal dashboard,
 * and whole synchronous writes to stdout/stderr.
 *
 * @module
 */
export * from "./ansi.ts";
export * from "./plain.ts";
export * from "./dashboard.ts";
export * from "./terminal.ts";
export * from "./stdout.ts";
export * from "./jupyter.ts";
