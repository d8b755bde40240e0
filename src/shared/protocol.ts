/**
 * The message protocol between the extension host and the gradient panel's webview.
 * Each message is declared once, as a runtime schema (valibot); the TypeScript types are
 * inferred from the schemas. Both sides validate what they receive: `parseWebviewToHost` on the
 * host (messages from the webview are untrusted input), `parseHostToWebview` in the webview.
 * Imported by src/ and webview/ alike: depends on valibot and core types only.
 *
 * Handshake: the webview posts `ready` once its script runs; the host answers with `show`
 * (or `error`). The host never posts before `ready`. The webview re-evaluates the program
 * itself (the core is pure TypeScript), so editing an input needs no round trip.
 */
import * as v from 'valibot';
import type { ExprProgram, SourceRange as CoreSourceRange } from '../core/expr';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
/** Any number, NaN and ±Infinity included (valibot's `number()` rejects NaN). */
const anyNumber = v.custom<number>((x) => typeof x === 'number', 'expected a number');
const index = v.pipe(v.number(), v.integer(), v.minValue(0));

const SourceRangeSchema = v.pipe(
  v.object({ start: index, end: index, line: index, column: index, endLine: index, endColumn: index }),
  v.check((r) => r.end >= r.start, 'range ends before it starts'),
);
// The schema and the core's type describe the same object.
type _SameRange = [CoreSourceRange] extends [v.InferOutput<typeof SourceRangeSchema>] ? true : never;
const _sameRange: _SameRange = true;
void _sameRange;

/**
 * An input's name: a JS identifier (any Unicode letters: `θ`, `Δw`), optionally indexed (`W[1][2]`)
 * and optionally qualified where two declarations share a name (`x@4:12`, `f.x`).
 */
const INPUT_NAME =
  /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*(\.[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*)?(\[\d+\])*(@\d+:\d+)?$/u;

/**
 * Input values: finite or non-finite numbers by input name. A custom check rather than
 * `v.record`, which drops keys such as `constructor` (a valid input name) without an issue.
 */
const ValuesSchema = v.custom<Record<string, number>>(
  (x) =>
    isObj(x) &&
    Object.keys(x).length <= 100_000 &&
    Object.entries(x).every(([k, n]) => INPUT_NAME.test(k) && typeof n === 'number'),
  'input values must be numbers by input name',
);

/**
 * The program is produced by our own parser in the host; the webview checks its outline (every
 * later access is by these arrays and the root index) rather than every node's fields.
 */
const ProgramSchema = v.custom<ExprProgram>(
  (x) =>
    isObj(x) &&
    Array.isArray(x.nodes) &&
    x.nodes.every(isObj) &&
    Array.isArray(x.frames) &&
    Number.isInteger(x.root) &&
    (x.root as number) >= 0 &&
    (x.root as number) < x.nodes.length &&
    isObj(x.target) &&
    typeof x.target.text === 'string',
  'malformed program',
);

const DocumentRefSchema = v.object({
  uri: v.string(),
  fileName: v.string(),
  version: v.number(),
  languageId: v.string(),
});

const PanelSettingsSchema = v.object({
  /** Beyond this many nodes the graph is folded/summarized; tables stay complete. */
  maxRenderedNodes: v.number(),
  /** Significant digits shown (full precision stays in data attributes and tooltips). */
  precision: v.number(),
  autoRefresh: v.boolean(),
});

const PanelErrorSchema = v.object({
  message: v.string(),
  code: v.string(),
  line: v.optional(v.number()),
  column: v.optional(v.number()),
  start: v.optional(v.number()),
  end: v.optional(v.number()),
});

/** Where an input's value came from (the debugger's banner and the inputs table's badges). */
const INPUT_SOURCES = ['debugger', 'source', 'user', 'default'] as const;
/** Input name → T (a custom check for the same reason as ValuesSchema: `v.record` drops `constructor`). */
const byInputName = <T>(ok: (x: unknown) => x is T, what: string) =>
  v.custom<Record<string, T>>(
    (x) => isObj(x) && Object.keys(x).length <= 100_000 && Object.values(x).every(ok),
    `${what} by input name`,
  );
const isString = (x: unknown): x is string => typeof x === 'string';
const isInputSource = (x: unknown): x is (typeof INPUT_SOURCES)[number] =>
  (INPUT_SOURCES as readonly unknown[]).includes(x);

/** The paused program the values were read from (or why they were not): src/host/debugSession.ts. */
const DebugValuesInfoSchema = v.object({
  /** Values were taken from the frame (false: `message` says why not). */
  applied: v.boolean(),
  /** File name (no folder), 1-based line, and the frame's function name. */
  file: v.string(),
  line: v.number(),
  frame: v.string(),
  session: v.string(),
  /** The program continued or ended since: the numbers are the last ones it held. */
  stale: v.boolean(),
  /** Input name → where its value came from. */
  sources: byInputName(isInputSource, 'value sources'),
  /** Input name → why the debugger's value was not used (not a number, undefined, ...). */
  notes: byInputName(isString, 'notes'),
  /** Input name → remarks on values that were used (shadowing). */
  remarks: byInputName(isString, 'remarks'),
  /** Arrays the element cap cut short. */
  truncated: v.array(v.object({ path: v.string(), length: v.number(), read: v.number() })),
  message: v.optional(v.string()),
});

/** What the panel shows: one expression from one document. */
const ShowPayloadSchema = v.object({
  program: ProgramSchema,
  /** Values for inputs: given by the user in the panel, or defaults for free inputs. */
  values: ValuesSchema,
  /** Free inputs whose value is a default the user has not set yet (shown as such). */
  defaults: v.array(v.string()),
  document: DocumentRefSchema,
  settings: PanelSettingsSchema,
  /** Set when the values came from a paused debug session. */
  debug: v.optional(DebugValuesInfoSchema),
  /**
   * The program's source (its IR) is nested too deeply to post (JSON and structured clone recurse):
   * the webview evaluates the recorded graph and the host re-runs the program on every edit,
   * answering with a new `show` when the run records another graph (a loop bound, a branch).
   */
  hostEvaluates: v.optional(v.boolean()),
});

/** What the webview rendered, read back from its DOM's data attributes. */
const PanelProbeSchema = v.object({
  title: v.string(),
  error: v.optional(v.string()),
  /** The run notice shown above the numbers ("Cancelled: …"), if any. */
  notice: v.optional(v.string()),
  stale: v.boolean(),
  nodes: v.array(
    v.object({ id: v.number(), label: v.string(), value: anyNumber, grad: anyNumber, ariaLabel: v.string() }),
  ),
  inputs: v.array(v.object({ name: v.string(), value: anyNumber, grad: anyNumber })),
  /** Free-form details individual views add (stepper text, training state ...). */
  extra: v.record(v.string(), v.unknown()),
});

// ---- host → webview -------------------------------------------------------------------

const CommandSchema = v.object({
  type: v.literal('command'),
  command: v.picklist([
    'step',
    'play',
    'reset',
    'fit',
    'export',
    'train',
    'stopTraining',
    // vector view (webview/vector/view.ts)
    'vectorView',
    'scalarView',
    'selectEdge',
    'selectGroup',
    'sample',
  ]),
  args: v.optional(v.record(v.string(), v.unknown())),
});

const HostToWebviewSchema = v.variant('type', [
  v.object({ type: v.literal('show'), payload: ShowPayloadSchema }),
  v.object({ type: v.literal('error'), error: PanelErrorSchema, document: v.optional(DocumentRefSchema) }),
  /** The source changed since the panel was computed. */
  v.object({ type: v.literal('stale'), stale: v.boolean() }),
  /**
   * A note about the last run above what the panel shows, which stays (a cancelled run: "Cancelled:
   * …"), or none (null). The next `show` or `error` clears it.
   */
  v.object({ type: v.literal('notice'), notice: v.nullable(v.pipe(v.string(), v.maxLength(1000))) }),
  /** The editor's cursor moved onto a node's source range (or off every node: null). */
  v.object({ type: v.literal('selectNode'), nodeId: v.nullable(index) }),
  /** The host asks the webview to describe what it rendered (tests and accessibility checks). */
  v.object({ type: v.literal('probe'), requestId: index }),
  /** Host-initiated actions (from commands or tests). */
  CommandSchema,
  v.object({ type: v.literal('settings'), settings: PanelSettingsSchema }),
  /** The debugger banner changed (the program continued: stale), or went away (null). */
  v.object({ type: v.literal('debug'), info: v.nullable(DebugValuesInfoSchema) }),
  /** Wall-clock timing marks of the last Show gradients on the host (the speed benchmark). */
  v.object({
    type: v.literal('trace'),
    marks: v.custom<Record<string, number>>(
      (x) => isObj(x) && Object.keys(x).length <= 100 && Object.values(x).every((n) => typeof n === 'number'),
      'timing marks',
    ),
  }),
]);

// ---- webview → host -------------------------------------------------------------------

const ExportFormatSchema = v.picklist(['svg', 'png', 'dot', 'json']);
const MAX_EXPORT = 64 * 1024 * 1024;

const WebviewToHostSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  /** Hover/selection of a node: highlight its source range (null clears). */
  v.object({ type: v.literal('highlight'), range: v.nullable(SourceRangeSchema) }),
  /** Click on a node or an error: move the editor's selection to the range. */
  v.object({ type: v.literal('reveal'), range: SourceRangeSchema }),
  /** The user edited input values in the panel (host updates inline values). */
  v.object({ type: v.literal('valuesChanged'), values: ValuesSchema }),
  v.object({ type: v.literal('refresh') }),
  /** Save exported content through VS Code's save dialog. PNG content is base64. */
  v.object({
    type: v.literal('export'),
    format: ExportFormatSchema,
    content: v.pipe(v.string(), v.maxLength(MAX_EXPORT)),
    suggestedName: v.pipe(v.string(), v.regex(/^[\w.-]{1,100}$/)),
  }),
  /** Write trained values back into the source's const declarations. */
  v.object({ type: v.literal('applyValues'), values: ValuesSchema }),
  v.object({ type: v.literal('probeResult'), requestId: index, result: PanelProbeSchema }),
  v.object({
    type: v.literal('log'),
    level: v.picklist(['info', 'warn', 'error']),
    message: v.pipe(
      v.string(),
      v.transform((s) => s.slice(0, 10_000)),
    ),
  }),
]);

/** State kept with `vscode.setState` and restored by the panel serializer after a reload. */
const PersistedStateSchema = v.object({
  payload: v.optional(ShowPayloadSchema),
  error: v.optional(PanelErrorSchema),
  values: v.optional(ValuesSchema),
});

export type SourceRange = v.InferOutput<typeof SourceRangeSchema>;
export type DocumentRef = v.InferOutput<typeof DocumentRefSchema>;
export type PanelSettings = v.InferOutput<typeof PanelSettingsSchema>;
export type PanelError = v.InferOutput<typeof PanelErrorSchema>;
export type ShowPayload = v.InferOutput<typeof ShowPayloadSchema>;
export type InputSource = (typeof INPUT_SOURCES)[number];
export type DebugValuesInfo = v.InferOutput<typeof DebugValuesInfoSchema>;
export type PanelProbe = v.InferOutput<typeof PanelProbeSchema>;
export type ExportFormat = v.InferOutput<typeof ExportFormatSchema>;
export type CommandMessage = v.InferOutput<typeof CommandSchema>;
export type HostToWebview = v.InferOutput<typeof HostToWebviewSchema>;
export type WebviewToHost = v.InferOutput<typeof WebviewToHostSchema>;
export type PersistedState = v.InferOutput<typeof PersistedStateSchema>;

function parse<T>(schema: v.GenericSchema<unknown, T>, raw: unknown): T | undefined {
  const r = v.safeParse(schema, raw);
  return r.success ? r.output : undefined;
}

/** A message from the webview (untrusted), typed, or undefined when malformed. */
export const parseWebviewToHost = (raw: unknown): WebviewToHost | undefined => parse(WebviewToHostSchema, raw);
/** A message from the host, typed, or undefined when malformed. */
export const parseHostToWebview = (raw: unknown): HostToWebview | undefined => parse(HostToWebviewSchema, raw);
/** State restored from `getState` or by the panel serializer, or undefined when it is not ours. */
export const parsePersistedState = (raw: unknown): PersistedState | undefined => parse(PersistedStateSchema, raw);
