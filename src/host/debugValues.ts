/**
 * Values of a paused program's variables, read through the Debug Adapter Protocol with nothing
 * but `stackTrace` (where the frame is), `scopes` and `variables` requests. Never `evaluate`,
 * never a getter (`presentationHint.lazy`) or anything else that runs code in the debuggee.
 *
 * No `vscode` import: the session is reached through {@link DapClient}, so this module is
 * unit-tested against a fake adapter (test/unit/debugValues.test.ts) and used with the real
 * `DebugSession.customRequest` in the extension (src/host/debugSession.ts).
 */

/** The three DAP requests this module may send. Nothing else is ever sent. */
export type AllowedRequest = 'stackTrace' | 'scopes' | 'variables';
export const ALLOWED_REQUESTS: readonly AllowedRequest[] = ['stackTrace', 'scopes', 'variables'];

/** The part of a debug session this module uses (vscode.DebugSession.customRequest). */
export interface DapClient {
  /** Debug type of the session (`pwa-node`, `node`, `python` ...). */
  readonly type: string;
  readonly name: string;
  customRequest(command: AllowedRequest, args: Record<string, unknown>): Thenable<any>;
}

/** A paused stack frame (vscode.DebugStackFrame: its session, thread and DAP frame id). */
export interface PausedFrame {
  session: DapClient;
  threadId: number;
  frameId: number;
}

/** Debug types of VS Code's JavaScript debugger (js-debug) and its legacy aliases. */
export const JS_DEBUG_TYPES: readonly string[] = [
  'pwa-node',
  'node',
  'node-terminal',
  'pwa-chrome',
  'chrome',
  'pwa-msedge',
  'msedge',
  'pwa-extensionHost',
  'extensionHost',
];

export type DebugValuesErrorCode = 'not-js' | 'no-frame' | 'no-source' | 'adapter';

export class DebugValuesError extends Error {
  constructor(
    readonly code: DebugValuesErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DebugValuesError';
  }
}

/** Where the paused frame is. */
export interface FrameLocation {
  /** Frame name as the adapter reports it (`loss`; js-debug's `global.loss` is shortened). */
  name: string;
  /** The file's path (a `vscode-remote://` or `file://` source path is reduced to its path). */
  path: string;
  /** 1-based line and column of the paused position. */
  line: number;
  column: number;
  sessionType: string;
  sessionName: string;
}

/** One input whose value is wanted. */
export interface WantedInput {
  /** The input's name in the analysis (`x`, `x@4:12`, `w[0]`, `model.w[0][1]`, `this.lr`). */
  name: string;
  /**
   * Where the variable is declared or used (1-based), to pick the right scope when several
   * scopes of the frame have a variable of that name. Without it the innermost scope wins.
   */
  at?: { line: number; column: number };
  /**
   * The function, block or module the declaration belongs to (from the parser, 1-based lines and
   * columns). The paused program has this variable only while paused inside it; without it a
   * same-named variable of the paused function could be taken for a parameter of another one.
   */
  declaredIn?: { label: string; line: number; column: number; endLine: number; endColumn: number };
}

export interface DebugValuesOptions {
  /** At most this many array elements are read per array (paged through `start`/`count`). */
  maxArrayElements: number;
  /** Elements per `variables` request when paging. */
  pageSize?: number;
}

export interface DebugValues {
  frame: FrameLocation;
  /** Input name → value read from the paused frame. */
  values: Record<string, number>;
  /** Input name → why it has no value from the debugger (not a number, undefined, not found ...). */
  notes: Record<string, string>;
  /** Input name → remarks on values that were taken (shadowed in an inner scope ...). */
  remarks: Record<string, string>;
  /** Array paths the element cap cut short, with their length. */
  truncated: Array<{ path: string; length: number; read: number }>;
  /** Every DAP request sent, in order (the tests check nothing else was sent). */
  requests: AllowedRequest[];
}

// ---- strict parsing of DAP value strings ------------------------------------------------

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A DAP variable's value string as a number, or undefined when it is anything else. Accepts
 * decimal numbers (`3`, `-0.25`, `1e-7`, `-0`), `NaN`, `Infinity` and `-Infinity`. Rejects
 * strings (`'3'`), bigints (`3n`), hex/octal/binary literals, objects, `undefined`, `null` and
 * anything with extra text. When the adapter gives a `type`, it must be `number`.
 */
export function parseDapNumber(value: string, type?: string): number | undefined {
  if (type !== undefined && type !== '' && type !== 'number') return undefined;
  const v = value.trim();
  if (v === 'NaN') return NaN;
  if (v === 'Infinity' || v === '+Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (!DECIMAL.test(v)) return undefined;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

/** Why a DAP variable is not a number, in words for a note. */
export function describeNonNumber(v: DapVariable): string {
  const type = v.type ?? '';
  const value = v.value.length > 40 ? `${v.value.slice(0, 40)}…` : v.value;
  if (type === 'undefined' || v.value === 'undefined') return 'is undefined at the paused line (not assigned yet?)';
  if (v.value === 'null') return 'is null, not a number';
  if (type === 'string') return `is a string (${value}), not a number`;
  if (type === 'bigint') return `is a bigint (${value}), not a number`;
  if (type === 'boolean') return `is a boolean (${value}), not a number`;
  return `is ${value}${type ? ` (${type})` : ''}, not a number`;
}

// ---- access paths --------------------------------------------------------------------------

export type PathStep = { kind: 'prop'; name: string } | { kind: 'index'; index: number };

const IDENT = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/u;

/**
 * `model.w[0][1]` → root `model`, steps [.w, [0], [1]]. A trailing `@line:column` (how the
 * analysis tells apart two declarations of one name) is dropped. Undefined for anything else.
 */
export function parseAccessPath(name: string): { root: string; steps: PathStep[] } | undefined {
  const text = name.replace(/@\d+:\d+$/, '');
  const m = IDENT.exec(text);
  if (!m) return undefined;
  const steps: PathStep[] = [];
  let i = m[0].length;
  while (i < text.length) {
    if (text[i] === '.') {
      const p = IDENT.exec(text.slice(i + 1));
      if (!p) return undefined;
      steps.push({ kind: 'prop', name: p[0] });
      i += 1 + p[0].length;
    } else if (text[i] === '[') {
      const close = text.indexOf(']', i);
      const digits = close > i ? text.slice(i + 1, close) : '';
      if (!/^\d+$/.test(digits) || digits.length > 9) return undefined;
      steps.push({ kind: 'index', index: Number(digits) });
      i = close + 1;
    } else return undefined;
  }
  return { root: m[0], steps };
}

// ---- DAP shapes (only the fields we read) ---------------------------------------------------

export interface DapVariable {
  name: string;
  value: string;
  type?: string;
  variablesReference: number;
  indexedVariables?: number;
  namedVariables?: number;
  presentationHint?: { kind?: string; attributes?: string[]; visibility?: string; lazy?: boolean };
}

export interface DapScope {
  name: string;
  variablesReference: number;
  expensive?: boolean;
  presentationHint?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

interface DapStackFrame {
  id: number;
  name: string;
  line: number;
  column: number;
  source?: { name?: string; path?: string; sourceReference?: number };
}

// ---- reading ------------------------------------------------------------------------------------

const MAX_FRAMES = 1000;

/** A source path from DAP: a plain path, or a URI (code-server reports `vscode-remote://host/path`). */
export function sourcePath(path: string): string {
  if (!/^[a-zA-Z][\w+.-]*:\/\//.test(path)) return path;
  try {
    return decodeURIComponent(new URL(path).pathname);
  } catch {
    return path;
  }
}

/** The paused frame's file, line and name (one or a few `stackTrace` requests). */
export async function frameLocation(frame: PausedFrame, requests: AllowedRequest[] = []): Promise<FrameLocation> {
  const { session } = frame;
  if (!JS_DEBUG_TYPES.includes(session.type)) {
    throw new DebugValuesError(
      'not-js',
      `Gradient Lens reads values only from JavaScript/TypeScript debug sessions (${JS_DEBUG_TYPES.slice(0, 2).join(', ')} ...); ` +
        `'${session.name}' is a '${session.type}' session.`,
    );
  }
  let found: DapStackFrame | undefined;
  for (let start = 0; start < MAX_FRAMES && !found; start += 50) {
    requests.push('stackTrace');
    const r = await request(session, 'stackTrace', { threadId: frame.threadId, startFrame: start, levels: 50 });
    const frames: DapStackFrame[] = Array.isArray(r?.stackFrames) ? r.stackFrames : [];
    found = frames.find((f) => f.id === frame.frameId);
    if (frames.length < 50 || (typeof r?.totalFrames === 'number' && start + 50 >= r.totalFrames)) break;
  }
  if (!found) throw new DebugValuesError('no-frame', 'The paused stack frame is no longer on the stack.');
  const src = found.source;
  if (!src?.path || (src.sourceReference ?? 0) > 0 || src.path.startsWith('<')) {
    throw new DebugValuesError(
      'no-source',
      `The paused frame '${shortFrameName(found.name)}' is in ${src?.name ?? src?.path ?? 'code without a source'}, not in a file Gradient Lens can read.`,
    );
  }
  return {
    name: shortFrameName(found.name),
    path: sourcePath(src.path),
    line: found.line,
    column: found.column,
    sessionType: session.type,
    sessionName: session.name,
  };
}

/** js-debug names frames `global.loss`, `Trainer.step`, `<anonymous>`: keep the function's own name. */
export function shortFrameName(name: string): string {
  const n = name.startsWith('global.') ? name.slice('global.'.length) : name;
  return n || '<anonymous>';
}

async function request(session: DapClient, command: AllowedRequest, args: Record<string, unknown>): Promise<any> {
  if (!ALLOWED_REQUESTS.includes(command)) throw new Error(`internal: DAP request '${command}' is not allowed`);
  try {
    return await session.customRequest(command, args);
  } catch (e) {
    throw new DebugValuesError(
      'adapter',
      `The debugger did not answer '${command}': ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

const contains = (s: DapScope, at: { line: number; column: number }): boolean | undefined => {
  if (s.line === undefined || s.endLine === undefined) return undefined;
  const startCol = s.column ?? 1;
  const endCol = s.endColumn ?? Number.MAX_SAFE_INTEGER;
  const after = at.line > s.line || (at.line === s.line && at.column >= startCol);
  const before = at.line < s.endLine || (at.line === s.endLine && at.column <= endCol);
  return after && before;
};

/** The scopes of a paused frame and a cache of variables, for one read. */
class FrameReader {
  private readonly children = new Map<number, Map<string, DapVariable>>();
  private readonly pages = new Map<number, Map<number, DapVariable[]>>();
  scopes: DapScope[] = [];

  constructor(
    private readonly session: DapClient,
    readonly requests: AllowedRequest[],
    readonly pageSize: number,
  ) {}

  async loadScopes(frameId: number): Promise<void> {
    this.requests.push('scopes');
    const r = await request(this.session, 'scopes', { frameId });
    // Expensive scopes (js-debug's Global) are never read: they are huge and hold no locals.
    this.scopes = (Array.isArray(r?.scopes) ? (r.scopes as DapScope[]) : []).filter(
      (s) => !s.expensive && s.variablesReference > 0,
    );
  }

  async all(ref: number): Promise<Map<string, DapVariable>> {
    let c = this.children.get(ref);
    if (!c) {
      this.requests.push('variables');
      const r = await request(this.session, 'variables', { variablesReference: ref });
      c = new Map((Array.isArray(r?.variables) ? (r.variables as DapVariable[]) : []).map((v) => [v.name, v]));
      this.children.set(ref, c);
    }
    return c;
  }

  /** Elements [start, start + count) of an array variable (one `variables` request with filter/start/count). */
  async slice(ref: number, start: number, count: number): Promise<DapVariable[]> {
    this.requests.push('variables');
    const r = await request(this.session, 'variables', { variablesReference: ref, filter: 'indexed', start, count });
    return (Array.isArray(r?.variables) ? (r.variables as DapVariable[]) : []).filter(
      (c) => /^\d+$/.test(c.name) && Number(c.name) >= start && Number(c.name) < start + count,
    );
  }

  async element(ref: number, index: number): Promise<DapVariable | undefined> {
    let byPage = this.pages.get(ref);
    if (!byPage) this.pages.set(ref, (byPage = new Map()));
    const page = Math.floor(index / this.pageSize);
    let list = byPage.get(page);
    if (!list) byPage.set(page, (list = await this.slice(ref, page * this.pageSize, this.pageSize)));
    return list.find((v) => v.name === String(index));
  }

  /**
   * The variable `name` as the code at `at` sees it. Scopes come innermost first. With scope
   * ranges (js-debug gives them), the innermost scope that contains `at` must hold the name: then
   * it is that declaration. Scopes that do not contain `at` but have the name are inner blocks
   * shadowing it at the paused line (skipped, with a remark); if the innermost containing scope
   * lacks the name, the declaration is in a block or function that is not live at the paused line.
   * Without ranges (other adapters), the innermost scope with the name wins.
   */
  async root(
    name: string,
    at: WantedInput['at'],
    frameName: string,
  ): Promise<{ variable: DapVariable; scope: DapScope; remark?: string } | { note: string }> {
    const shadowing: DapScope[] = [];
    for (const s of this.scopes) {
      const v = (await this.all(s.variablesReference)).get(name);
      const inside = at ? contains(s, at) : undefined;
      if (inside === false) {
        if (v) shadowing.push(s);
        continue;
      }
      if (v) {
        let remark: string | undefined;
        if (shadowing.length)
          remark =
            `'${name}' is shadowed at the paused line by another '${name}' (scope ${shadowing[0].name}); ` +
            `the value is the one of the declaration this code uses (scope ${s.name})`;
        else if (inside === undefined) {
          const others: string[] = [];
          for (const o of this.scopes)
            if (o !== s && o.line === undefined && (await this.all(o.variablesReference)).has(name))
              others.push(o.name);
          if (others.length)
            remark = `'${name}' also exists in scope ${others.join(', ')}; the innermost (${s.name}) was used`;
        }
        return { variable: v, scope: s, remark };
      }
      if (inside === true) {
        return {
          note: shadowing.length
            ? `'${name}' in the paused frame is another variable (scope ${shadowing[0].name}), not the one this code uses`
            : `'${name}' is not live at the paused line of '${frameName}' (declared in a block or function the program is not in)`,
        };
      }
    }
    return {
      note: shadowing.length
        ? `'${name}' in the paused frame is another variable (scope ${shadowing[0].name}), not the one this code uses`
        : `'${name}' is not a variable of the paused frame '${frameName}'`,
    };
  }
}

const getterNote = (path: string) => `'${path}' is a getter: not read (reading it would run code in the program)`;
const proxyNote = (path: string) => `'${path}' is a Proxy: not read (its traps would run code in the program)`;
const isProxy = (v: DapVariable) => /^Proxy\b/.test(v.value) || v.type === 'Proxy';
const capNote = (label: string, cap: number) =>
  `'${label}' is beyond the first ${cap} elements read (setting gradientLens.debug.maxArrayElements)`;

/**
 * Reads the values of `wanted` from the paused frame. Only `scopes` and `variables` requests (and
 * `stackTrace` for the location); values that are not plain numbers get a note, never a guess.
 */
export async function readDebugValues(
  frame: PausedFrame,
  wanted: readonly WantedInput[],
  options: DebugValuesOptions,
): Promise<DebugValues> {
  const requests: AllowedRequest[] = [];
  const location = await frameLocation(frame, requests);
  const cap = Math.max(1, Math.floor(options.maxArrayElements));
  const reader = new FrameReader(frame.session, requests, Math.max(1, Math.floor(options.pageSize ?? 100)));
  const out: DebugValues = { frame: location, values: {}, notes: {}, remarks: {}, truncated: [], requests };
  await reader.loadScopes(frame.frameId);

  for (const input of wanted) {
    const path = parseAccessPath(input.name);
    if (!path) {
      out.notes[input.name] = `'${input.name}' is not a variable or access path the debugger can read`;
      continue;
    }
    const d = input.declaredIn;
    if (d && contains({ name: d.label, variablesReference: 0, ...d }, location) === false) {
      out.notes[input.name] =
        `'${path.root}' is declared in ${d.label} (lines ${d.line}–${d.endLine}); ` +
        `the program is paused outside it (line ${location.line}, in '${location.name}')`;
      continue;
    }
    const found = await reader.root(path.root, input.at, location.name);
    if ('note' in found) {
      out.notes[input.name] = found.note;
      continue;
    }
    if (found.remark) out.remarks[input.name] = found.remark;

    // Walk the access path through variablesReference children.
    let v: DapVariable | undefined = found.variable;
    let walked = path.root;
    let failure: string | undefined;
    for (const step of path.steps) {
      if (v.presentationHint?.lazy) {
        failure = getterNote(walked);
        break;
      }
      if (isProxy(v)) {
        failure = proxyNote(walked);
        break;
      }
      const label = step.kind === 'index' ? `${walked}[${step.index}]` : `${walked}.${step.name}`;
      if (v.variablesReference <= 0) {
        failure = `'${walked}' is ${v.value}, which has no ${step.kind === 'index' ? `element [${step.index}]` : `property '${step.name}'`}`;
        break;
      }
      if (step.kind === 'index') {
        if (v.indexedVariables !== undefined && step.index >= v.indexedVariables) {
          failure = `'${label}' is out of range (length ${v.indexedVariables})`;
          break;
        }
        if (step.index >= cap) {
          failure = capNote(label, cap);
          const length = v.indexedVariables ?? arrayLength(v.value);
          if (!out.truncated.some((t) => t.path === walked))
            out.truncated.push({ path: walked, length: length ?? step.index + 1, read: cap });
          break;
        }
        v =
          v.indexedVariables !== undefined
            ? await reader.element(v.variablesReference, step.index)
            : (await reader.all(v.variablesReference)).get(String(step.index));
      } else {
        v = (await reader.all(v.variablesReference)).get(step.name);
      }
      walked = label;
      if (!v) {
        failure = `'${label}' does not exist in the paused program`;
        break;
      }
    }
    if (failure || !v) {
      out.notes[input.name] = failure ?? `'${walked}' does not exist in the paused program`;
      continue;
    }
    if (v.presentationHint?.lazy) {
      out.notes[input.name] = getterNote(walked);
      continue;
    }
    const n = parseDapNumber(v.value, v.type);
    if (n === undefined) {
      out.notes[input.name] = `'${walked}' ${describeNonNumber(v)}`;
      continue;
    }
    out.values[input.name] = n;
  }
  return out;
}

/**
 * All numbers of an array (or nested arrays) variable, paged with `start`/`count` and cut at the
 * cap: `w` → { 'w[0]': 0.3, 'w[1]': -0.2 }, with each array's length. For the program
 * interpreter, which names its inputs by access path. Non-numbers become notes.
 */
export async function readArray(
  frame: PausedFrame,
  root: WantedInput,
  options: DebugValuesOptions,
): Promise<DebugValues & { lengths: Record<string, number> }> {
  const requests: AllowedRequest[] = [];
  const location = await frameLocation(frame, requests);
  const cap = Math.max(1, Math.floor(options.maxArrayElements));
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? 100));
  const reader = new FrameReader(frame.session, requests, pageSize);
  const out: DebugValues & { lengths: Record<string, number> } = {
    frame: location,
    values: {},
    notes: {},
    remarks: {},
    truncated: [],
    requests,
    lengths: {},
  };
  await reader.loadScopes(frame.frameId);
  const found = await reader.root(root.name, root.at, location.name);
  if ('note' in found) {
    out.notes[root.name] = found.note;
    return out;
  }
  if (found.remark) out.remarks[root.name] = found.remark;
  // Explicit stack (no recursion over user-sized structures): [variable, path].
  const stack: Array<[DapVariable, string]> = [[found.variable, root.name]];
  let visited = 0;
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (++visited > cap * 10) {
      out.notes[path] = 'too many nested elements: stopped reading';
      break;
    }
    if (v.presentationHint?.lazy) {
      out.notes[path] = getterNote(path);
      continue;
    }
    if (v.variablesReference <= 0) {
      const n = parseDapNumber(v.value, v.type);
      if (n === undefined) out.notes[path] = `'${path}' ${describeNonNumber(v)}`;
      else out.values[path] = n;
      continue;
    }
    if (isProxy(v)) {
      out.notes[path] = proxyNote(path);
      continue;
    }
    const length = v.indexedVariables ?? arrayLength(v.value);
    if (length === undefined) {
      out.notes[path] = `'${path}' is ${v.value.slice(0, 40)}, not an array of numbers`;
      continue;
    }
    out.lengths[path] = length;
    const n = Math.min(length, cap);
    if (length > cap) out.truncated.push({ path, length, read: cap });
    const elements: DapVariable[] = [];
    for (let start = 0; start < n; start += pageSize)
      elements.push(...(await reader.slice(v.variablesReference, start, Math.min(pageSize, n - start))));
    for (let i = elements.length - 1; i >= 0; i--) stack.push([elements[i], `${path}[${elements[i].name}]`]);
  }
  return out;
}

/** `Array(3) [1, 2, 3]` or `(3) [1, 2, 3]` → 3. */
function arrayLength(value: string): number | undefined {
  // js-debug previews arrays as `(3) [1, 2, 3]`; others as `Array(3) [...]`.
  const m = /^(?:Array)?\((\d+)\)(?: \[|$)/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/**
 * Every array of numbers among the paused function's variables (its blocks' and its Local
 * scope's: parameters and locals; innermost wins), by access path (`w[0]`, `xs[3]`): the shapes the program interpreter
 * gives array parameters. Through {@link readArray}: scopes/variables requests only, capped.
 */
export async function readFrameArrays(
  frame: PausedFrame,
  options: DebugValuesOptions,
): Promise<{ values: Record<string, number>; requests: AllowedRequest[] }> {
  const requests: AllowedRequest[] = [];
  const reader = new FrameReader(frame.session, requests, Math.max(1, Math.floor(options.pageSize ?? 100)));
  await reader.loadScopes(frame.frameId);
  const values: Record<string, number> = {};
  // The paused function's own scopes: its blocks (innermost first) down to its Local scope
  // (js-debug: `Block`, ..., `Local: step`); not closures, modules or globals.
  const end = reader.scopes.findIndex((sc) => /^Local\b/.test(sc.name));
  const own = reader.scopes.slice(0, end >= 0 ? end + 1 : 1);
  const seen = new Set<string>();
  const vars: DapVariable[] = [];
  for (const sc of own)
    for (const v of (await reader.all(sc.variablesReference)).values())
      if (!seen.has(v.name)) {
        seen.add(v.name);
        vars.push(v);
      }
  for (const v of vars) {
    if (v.presentationHint?.lazy || isProxy(v) || v.variablesReference <= 0) continue;
    if (arrayLength(v.value) === undefined && v.indexedVariables === undefined) continue;
    if (!parseAccessPath(v.name) || v.name === 'this' || v.name === 'arguments') continue;
    const r = await readArray(frame, { name: v.name }, options);
    requests.push(...r.requests);
    Object.assign(values, r.values);
  }
  return { values, requests };
}
