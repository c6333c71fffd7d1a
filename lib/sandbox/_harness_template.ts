/**
 * The honest test harness (internal). {@linkcode renderHarness} writes a TypeScript module that the
 * sandbox runs instead of the candidate. The harness, written by us and not by the model:
 *
 * 1. captures `node:assert/strict`, the stdout writer, the exit function, `JSON.stringify` and the
 *    other functions it needs *before* the candidate's module is evaluated;
 * 2. reads a per-run secret key from stdin (the host writes it and closes stdin, so nothing is left
 *    for the candidate to read) and refuses to run any test without it;
 * 3. hardens the built-ins that comparisons and test code rely on (namespaces and constructors are
 *    frozen; prototype methods become non-configurable accessors that refuse replacement on the
 *    prototype itself but still let instances shadow them, so ordinary code keeps working);
 * 4. dynamically imports the candidate, runs every test in its own try/catch, checks after each test
 *    that no watched built-in was replaced, and reports each result, then a summary with the exact
 *    test count, as lines authenticated with HMAC-SHA256 under the secret key — computed in pure
 *    JavaScript from captured primitives, so even a candidate that intercepts the output cannot forge
 *    or alter a line;
 * 5. exits with code 0 through the captured exit function.
 *
 * @module
 */
import type { TestCase } from "../schemas/coding.ts";

/** The byte sequence that starts every harness result line (after a newline). */
export const RESULT_MARKER = "\x1eAC1 ";

/** Name under which the assembled candidate module re-exports its entry point. */
export const ENTRY_EXPORT = "__ac_entry__";

/** File names inside the candidate's directory. */
export const CANDIDATE_FILE = "candidate.ts";
/**
 * File name of the runtime harness: plain JavaScript when every test is valid JavaScript (nothing to
 * transpile: measured ~90 ms less per run), TypeScript otherwise.
 */
export function harnessFile(tests: TestCase[], setup = ""): string {
  return tests.every((t) => isJavaScript(t.code)) && isJavaScript(setup)
    ? "harness.js"
    : "harness.ts";
}

const AsyncFunction = Object.getPrototypeOf(async function () {})
  .constructor as FunctionConstructor;

/**
 * True when the test code is plain JavaScript: it parses as the body of a strict async function (it is
 * not run), and it has no `<…>(` that TypeScript would read as a generic call (`new Map<any, any>([])`
 * parses in JavaScript too, as comparisons).
 */
function isJavaScript(code: string): boolean {
  if (/<[^<>;\n]*>\s*\(/.test(code)) return false;
  try {
    new AsyncFunction("assert", `"use strict";\n${code}`);
    return true;
  } catch {
    return false;
  }
}
/** File name of the type-check module. */
export const TYPECHECK_FILE = "typecheck.ts";

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Checks that a name can be used as a JavaScript binding.
 *
 * @param name Entry point name.
 * @returns The name.
 */
export function checkEntryPoint(name: string): string {
  if (!IDENT.test(name) || name === ENTRY_EXPORT || name === "assert") {
    throw new TypeError(
      `Cannot use entry point as a JavaScript identifier: current value is ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/**
 * Appends the line that re-exports the entry point under {@linkcode ENTRY_EXPORT}. A program whose
 * tail swallows this line (an unterminated comment or string) fails to load, which is a compile error,
 * never a pass.
 *
 * @param program The candidate program.
 * @param entryPoint Name of the function the tests call.
 * @returns The module the harness imports.
 */
export function candidateModule(program: string, entryPoint: string): string {
  return `${program}\n;export { ${checkEntryPoint(entryPoint)} as ${ENTRY_EXPORT} };\n`;
}

function testFunction(test: TestCase, entryPoint: string, typed: boolean): string {
  const isAsync = /\bawait\b/.test(test.code);
  const params = typed
    ? `assert: typeof __acAssert & { legacy: typeof __acAssertLegacy }, ${entryPoint}: __AcEntry`
    : `assert, ${entryPoint}`;
  return `${isAsync ? "async " : ""}(${params}) => {\n${test.code}\n}`;
}

/**
 * Writes the type-check module: the tests as functions over the candidate's entry point type, so
 * `deno check` reports type errors in the candidate and in how the tests call it.
 *
 * @param tests The tests.
 * @param entryPoint Name of the function the tests call.
 * @returns TypeScript source.
 */
export function renderTypecheck(tests: TestCase[], entryPoint: string, setup = ""): string {
  checkEntryPoint(entryPoint);
  const fns = tests.map((t, i) =>
    `// ${JSON.stringify(t.name)}\nexport const __t${i} = ${testFunction(t, entryPoint, true)};`
  );
  return [
    `import type __acAssert from "node:assert/strict";`,
    `import type __acAssertLegacy from "node:assert";`,
    `import type * as __AcCandidate from "./${CANDIDATE_FILE}";`,
    `type __AcEntry = typeof __AcCandidate.${ENTRY_EXPORT};`,
    setup,
    ...fns,
    "",
  ].join("\n");
}

/**
 * Writes the runtime harness module for a set of tests.
 *
 * @param tests The tests, in order.
 * @param entryPoint Name of the function the tests call.
 * @param setup Trusted module-level test code (helpers), run after hardening and before the candidate loads.
 * @returns TypeScript source (run with `--no-check`).
 */
export function renderHarness(tests: TestCase[], entryPoint: string, setup = ""): string {
  checkEntryPoint(entryPoint);
  const list = tests.map((t) =>
    `{ __proto__: null, name: ${JSON.stringify(t.name)}, isAsync: ${
      /\bawait\b/.test(t.code)
    }, run: ${testFunction(t, entryPoint, false)} }`
  ).join(",\n");
  return HARNESS_PRELUDE + `${setup}\nconst __acTests = [\n${list}\n];\n` + HARNESS_MAIN;
}

// The harness is plain JavaScript inside a TypeScript file; it is never type-checked.
const HARNESS_PRELUDE =
  `// autoconstitution sandbox harness (generated by the host; not candidate code)
// deno-lint-ignore-file
// @ts-nocheck
import __acAssert from "node:assert/strict";
import __acAssertLegacy from "node:assert";
const __acCall = Function.prototype.call;
const __acUncurry = (f) => __acCall.bind(f);
const __acO = Object;
const __acDefine = __acO.defineProperty;
const __acGetDesc = __acO.getOwnPropertyDescriptor;
const __acGetProto = __acO.getPrototypeOf;
const __acFreeze = __acO.freeze;
const __acOwnKeys = Reflect.ownKeys;
const __acStringify = JSON.stringify;
const __acString = String;
const __acNow = performance.now.bind(performance);
const __acPromise = Promise;
const __acThen = __acUncurry(Promise.prototype.then);
const __acStdout = Deno.stdout;
const __acWrite = __acUncurry(Deno.stdout.writeSync);
const __acStdin = Deno.stdin;
const __acRead = __acUncurry(Deno.stdin.readSync);
const __acExit = Deno.exit;
const __acInspect = Deno.inspect;
const __acEncoder = new TextEncoder();
const __acEncode = __acUncurry(TextEncoder.prototype.encode);
const __acDecoder = new TextDecoder();
const __acDecode = __acUncurry(TextDecoder.prototype.decode);
const __acU8 = Uint8Array;
const __acU32 = Uint32Array;
const __acU8Set = __acUncurry(Uint8Array.prototype.set);
const __acU8Sub = __acUncurry(Uint8Array.prototype.subarray);
const __acSlice = __acUncurry(String.prototype.slice);
const __acCharCode = __acUncurry(String.prototype.charCodeAt);
const __acAssertionError = __acAssert.AssertionError;
const __acHasOwn = Object.hasOwn;
const __acIs = Object.is;
function __acOwn(d, k) { return __acHasOwn(d, k) ? d[k] : undefined; }

// ---- frozen copies of node:assert/strict and (as assert.legacy) node:assert ----
function __acCopyAssert(source, extra) {
  const copy = function assert(value, message) { return source(value, message); };
  const keys = __acOwnKeys(source);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === "length" || k === "name" || k === "prototype" || k === "strict") continue;
    const d = __acGetDesc(source, k);
    if (d && "value" in d) __acDefine(copy, k, { value: d.value, enumerable: true });
  }
  if (extra) __acDefine(copy, "legacy", { value: extra, enumerable: false });
  return copy;
}
const __acLegacyCopy = __acFreeze(__acCopyAssert(__acAssertLegacy, null));
const __acAssertCopy = __acCopyAssert(__acAssert, __acLegacyCopy);
__acDefine(__acAssertCopy, "strict", { value: __acAssertCopy, enumerable: true });
__acFreeze(__acAssertCopy);

// ---- pure-JS HMAC-SHA256 over captured primitives ----
const __acK = new __acU32([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
function __acSha256(msg) {
  const len = msg.length;
  const total = (((len + 8) >>> 6) + 1) << 6;
  const buf = new __acU8(total);
  __acU8Set(buf, msg, 0);
  buf[len] = 0x80;
  const hi = (len / 0x20000000) >>> 0, lo = (len << 3) >>> 0;
  buf[total - 8] = hi >>> 24; buf[total - 7] = hi >>> 16; buf[total - 6] = hi >>> 8; buf[total - 5] = hi;
  buf[total - 4] = lo >>> 24; buf[total - 3] = lo >>> 16; buf[total - 2] = lo >>> 8; buf[total - 1] = lo;
  const H = new __acU32([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const W = new __acU32(64);
  for (let off = 0; off < total; off += 64) {
    for (let t = 0; t < 16; t++) {
      const j = off + t * 4;
      W[t] = (buf[j] << 24) | (buf[j + 1] << 16) | (buf[j + 2] << 8) | buf[j + 3];
    }
    for (let t = 16; t < 64; t++) {
      const x = W[t - 15], y = W[t - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
    }
    let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + __acK[t] + W[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }
  const out = new __acU8(32);
  for (let i = 0; i < 8; i++) {
    out[i * 4] = H[i] >>> 24; out[i * 4 + 1] = H[i] >>> 16; out[i * 4 + 2] = H[i] >>> 8; out[i * 4 + 3] = H[i];
  }
  return out;
}
const __acHex = "0123456789abcdef";
function __acHmacHex(key, msg) {
  const inner = new __acU8(64 + msg.length);
  const outer = new __acU8(96);
  for (let i = 0; i < 64; i++) {
    const k = i < key.length ? key[i] : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  __acU8Set(inner, msg, 64);
  __acU8Set(outer, __acSha256(inner), 64);
  const mac = __acSha256(outer);
  let hex = "";
  for (let i = 0; i < 32; i++) hex += __acHex[mac[i] >>> 4] + __acHex[mac[i] & 15];
  return hex;
}

// ---- the secret key, read from stdin before the candidate exists ----
const __acKey = (() => {
  const chunk = new __acU8(256);
  const acc = new __acU8(256);
  let n = 0;
  while (n < 256) {
    let r;
    try { r = __acRead(__acStdin, chunk); } catch { r = null; }
    if (r === null || r === 0) break;
    for (let i = 0; i < r && n < 256; i++) acc[n++] = chunk[i];
    if (n >= 65) break;
  }
  const text = __acDecode(__acDecoder, __acU8Sub(acc, 0, n));
  const key = new __acU8(32);
  for (let i = 0; i < 32; i++) {
    const hi = __acHexValue(__acCharCode(text, i * 2)), lo = __acHexValue(__acCharCode(text, i * 2 + 1));
    if (hi < 0 || lo < 0) return null;
    key[i] = hi * 16 + lo;
  }
  return key;
})();
function __acHexValue(c) {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}
// Without the key this is not the harness the host started (e.g. a re-import): run nothing.
if (__acKey === null) __acExit(3);

let __acSeq = 0;
function __acEmit(record) {
  record.seq = __acSeq++;
  const payload = __acStringify(record);
  const mac = __acHmacHex(__acKey, __acEncode(__acEncoder, payload));
  const bytes = __acEncode(__acEncoder, "${RESULT_MARKER}" + mac + " " + payload + "\\n");
  let off = 0;
  while (off < bytes.length) off += __acWrite(__acStdout, __acU8Sub(bytes, off));
}
function __acClip(text, max) {
  text = __acString(text);
  return text.length > max ? __acSlice(text, 0, max) + "…[" + (text.length - max) + " more chars]" : text;
}
function __acShow(value) {
  try {
    return __acClip(__acInspect(value, { __proto__: null, depth: 6, colors: false, strAbbreviateSize: 2000, iterableLimit: 200 }), 2000);
  } catch {
    return "<uninspectable value>";
  }
}
function __acDescribe(error) {
  const d = { __proto__: null, message: "", errorName: "Error" };
  try {
    if (error !== null && (typeof error === "object" || typeof error === "function")) {
      d.errorName = __acClip(error.name, 100);
      d.message = __acClip(error.message, 4000);
    } else {
      d.errorName = "thrown value";
      d.message = __acShow(error);
    }
  } catch {
    d.message = "<the thrown value could not be read>";
  }
  try {
    if (error instanceof __acAssertionError) {
      d.errorName = "AssertionError";
      d.actual = __acShow(error.actual);
      d.expected = __acShow(error.expected);
      d.operator = __acClip(error.operator, 100);
    }
  } catch { /* keep what we have */ }
  return d;
}

// ---- harden the built-ins that comparisons and test code rely on ----
const __acWatch = [];
function __acNameOf(owner, key) {
  return owner + "." + (typeof key === "symbol" ? "[" + __acString(key.description) + "]" : key);
}
function __acLockProto(proto, owner) {
  const keys = __acOwnKeys(proto);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const d = __acGetDesc(proto, k);
    if (!d || !d.configurable) { __acWatch[__acWatch.length] = [proto, k, d, __acNameOf(owner, k)]; continue; }
    // Symbol-keyed members (iterators, species) and Array.prototype.constructor stay writable:
    // engine fast paths depend on them and runtime code assigns them on instances. They are watched.
    if (typeof k === "symbol" || k === "caller" || k === "arguments" || (k === "constructor" && proto === Array.prototype)) {
      __acWatch[__acWatch.length] = [proto, k, d, __acNameOf(owner, k)];
      continue;
    }
    if (!("value" in d)) {
      __acDefine(proto, k, { configurable: false });
      continue;
    }
    const value = d.value;
    const name = __acNameOf(owner, k);
    __acDefine(proto, k, {
      configurable: false,
      enumerable: d.enumerable,
      get() { return value; },
      set(v) {
        if (this === proto) throw new TypeError("sandbox: candidate code may not replace " + name);
        __acDefine(this, k, { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  }
  __acWatch[__acWatch.length] = [proto, "[[Prototype]]", __acGetProto(proto), owner + ".[[Prototype]]"];
}
function __acFreezeAll(obj, owner) {
  try { __acFreeze(obj); } catch { /* watched below */ }
  const keys = __acOwnKeys(obj);
  for (let i = 0; i < keys.length; i++) {
    __acWatch[__acWatch.length] = [obj, keys[i], __acGetDesc(obj, keys[i]), __acNameOf(owner, keys[i])];
  }
}
{
  const G = globalThis;
  // Lazily loaded runtime globals must load before the built-ins are hardened.
  try { void G.process; void G.Buffer; void G.setImmediate; } catch { /* absent */ }
  const protos = [
    [Object.prototype, "Object.prototype"], [Array.prototype, "Array.prototype"],
    [String.prototype, "String.prototype"], [Number.prototype, "Number.prototype"],
    [Boolean.prototype, "Boolean.prototype"], [Function.prototype, "Function.prototype"],
    [Map.prototype, "Map.prototype"], [Set.prototype, "Set.prototype"],
    [Date.prototype, "Date.prototype"], [Symbol.prototype, "Symbol.prototype"],
    [BigInt.prototype, "BigInt.prototype"],
  ];
  for (let i = 0; i < protos.length; i++) __acLockProto(protos[i][0], protos[i][1]);
  const frozen = [
    [JSON, "JSON"], [Math, "Math"], [Reflect, "Reflect"], [Object, "Object"], [Array, "Array"],
    [Number, "Number"], [String, "String"], [Boolean, "Boolean"], [Symbol, "Symbol"], [BigInt, "BigInt"],
    [Map, "Map"], [Set, "Set"], [Promise, "Promise"], [Promise.prototype, "Promise.prototype"],
    [Function, "Function"], [__acAssertionError, "AssertionError"],
    [__acAssertionError.prototype, "AssertionError.prototype"],
  ];
  for (let i = 0; i < frozen.length; i++) __acFreezeAll(frozen[i][0], frozen[i][1]);
  const globals = [
    "Object", "Array", "JSON", "Math", "Reflect", "Number", "String", "Boolean", "Symbol", "BigInt",
    "Map", "Set", "WeakMap", "WeakSet", "Promise", "Function", "Date", "RegExp", "Error", "TypeError",
    "RangeError", "SyntaxError", "Proxy", "parseInt", "parseFloat", "isNaN", "isFinite", "globalThis",
  ];
  for (let i = 0; i < globals.length; i++) {
    const d = __acGetDesc(G, globals[i]);
    if (d && d.configurable) {
      if ("value" in d) __acDefine(G, globals[i], { writable: false, configurable: false });
      else __acDefine(G, globals[i], { configurable: false });
    }
    __acWatch[__acWatch.length] = [G, globals[i], __acGetDesc(G, globals[i]), "globalThis." + globals[i]];
  }
  const watchedProtos = [[RegExp.prototype, "RegExp.prototype"], [Error.prototype, "Error.prototype"]];
  for (let i = 0; i < watchedProtos.length; i++) {
    const keys = __acOwnKeys(watchedProtos[i][0]);
    for (let j = 0; j < keys.length; j++) {
      const o = watchedProtos[i][0], k = keys[j];
      __acWatch[__acWatch.length] = [o, k, __acGetDesc(o, k), __acNameOf(watchedProtos[i][1], k)];
    }
  }
}
function __acTampered() {
  for (let i = 0; i < __acWatch.length; i++) {
    const w = __acWatch[i];
    if (w[1] === "[[Prototype]]") {
      if (__acGetProto(w[0]) !== w[2]) return w[3];
      continue;
    }
    const now = __acGetDesc(w[0], w[1]);
    const was = w[2];
    if (!was || !now) { if (was !== now) return w[3]; continue; }
    if (
      !__acIs(__acOwn(now, "value"), __acOwn(was, "value")) || __acOwn(now, "get") !== __acOwn(was, "get") ||
      __acOwn(now, "set") !== __acOwn(was, "set")
    ) return w[3];
  }
  return null;
}
function __acSettle(promise) {
  const p = new __acPromise((resolve) => {
    __acThen(promise, () => resolve(null), (error) => resolve({ __proto__: null, error }));
  });
  __acDefine(p, "constructor", { value: __acPromise });
  return p;
}
`;

const HARNESS_MAIN = `
__acEmit({ __proto__: null, k: "start", n: __acTests.length });
let __acEntry;
let __acLoadFailure = null;
{
  let loaded = null;
  let settled = null;
  try {
    settled = await __acSettle(__acThen(import("./${CANDIDATE_FILE}"), (m) => { loaded = m; }));
  } catch (e) {
    settled = { __proto__: null, error: e };
  }
  if (settled === null) {
    try { __acEntry = loaded === null || loaded === undefined ? undefined : loaded.${ENTRY_EXPORT}; } catch { __acEntry = undefined; }
    __acEmit({ __proto__: null, k: "load", ok: true, entryType: typeof __acEntry });
  } else {
    const e = settled.error;
    const d = __acDescribe(e);
    let code = "";
    try { code = __acString(e && e.code); } catch { /* ignore */ }
    __acEmit({
      __proto__: null, k: "load", ok: false,
      compile: code === "ERR_MODULE_NOT_FOUND", message: d.message, errorName: d.errorName,
    });
    __acLoadFailure = { __proto__: null, errorName: "NotRun", message: "not run: the candidate module failed to load (" + d.errorName + ": " + __acClip(d.message, 300) + ")" };
  }
}
let __acPassed = 0;
let __acTamper = __acTampered();
for (let i = 0; i < __acTests.length; i++) {
  const t = __acTests[i];
  __acEmit({ __proto__: null, k: "begin", i });
  const t0 = __acNow();
  let ok = false;
  let failure = null;
  if (__acLoadFailure !== null) {
    failure = __acLoadFailure;
  } else if (__acTamper !== null) {
    failure = { __proto__: null, errorName: "Tampering", message: "the candidate replaced the built-in " + __acTamper + "; results after that are not trusted" };
  } else {
    try {
      const r = t.run(__acAssertCopy, __acEntry);
      if (t.isAsync) {
        const settled = await __acSettle(r);
        if (settled === null) ok = true;
        else failure = __acDescribe(settled.error);
      } else {
        ok = true;
      }
    } catch (e) {
      failure = __acDescribe(e);
    }
    __acTamper = __acTampered();
    if (__acTamper !== null) {
      ok = false;
      failure = { __proto__: null, errorName: "Tampering", message: "the candidate replaced the built-in " + __acTamper + "; results after that are not trusted" };
    }
  }
  if (ok) __acPassed++;
  const rec = { __proto__: null, k: "test", i, name: t.name, ok, ms: __acNow() - t0 };
  if (failure !== null) {
    rec.message = failure.message; rec.errorName = failure.errorName;
    if (failure.expected !== undefined) { rec.expected = failure.expected; rec.actual = failure.actual; rec.operator = failure.operator; }
  }
  __acEmit(rec);
}
__acEmit({ __proto__: null, k: "end", n: __acTests.length, passed: __acPassed, tampered: __acTamper });
__acExit(0);
`;
