/**
 * Messages from the webview are untrusted input: check their shape before use.
 * Returns the typed message, or undefined for anything malformed.
 */
import type { SourceRange } from '../core/expr';
import type { ExportFormat, PanelProbe, WebviewToHost } from '../shared/protocol';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function isRange(v: unknown): v is SourceRange {
  return (
    isObj(v) &&
    ['start', 'end', 'line', 'column', 'endLine', 'endColumn'].every((k) => isInt(v[k])) &&
    (v.end as number) >= (v.start as number)
  );
}

/**
 * An input's name: a JS identifier (any Unicode letters: `θ`, `Δw`), optionally indexed (`W[1][2]`)
 * and optionally qualified where two declarations share a name (`x@4:12`, `f.x`).
 */
const INPUT_NAME =
  /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*(\.[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*)?(\[\d+\])*(@\d+:\d+)?$/u;

/** Input values: finite or non-finite numbers by input name. */
function isValues(v: unknown): v is Record<string, number> {
  return (
    isObj(v) &&
    Object.keys(v).length <= 100_000 &&
    Object.entries(v).every(([k, x]) => INPUT_NAME.test(k) && typeof x === 'number')
  );
}

const FORMATS: readonly ExportFormat[] = ['svg', 'png', 'dot', 'json'];
const MAX_EXPORT = 64 * 1024 * 1024;

export function validateMessage(raw: unknown): WebviewToHost | undefined {
  if (!isObj(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
    case 'refresh':
      return { type: raw.type };
    case 'highlight':
      return raw.range === null || isRange(raw.range)
        ? { type: 'highlight', range: raw.range as SourceRange | null }
        : undefined;
    case 'reveal':
      return isRange(raw.range) ? { type: 'reveal', range: raw.range } : undefined;
    case 'valuesChanged':
    case 'applyValues':
      return isValues(raw.values) ? { type: raw.type, values: raw.values } : undefined;
    case 'export':
      if (
        !FORMATS.includes(raw.format as ExportFormat) ||
        typeof raw.content !== 'string' ||
        raw.content.length > MAX_EXPORT ||
        typeof raw.suggestedName !== 'string' ||
        !/^[\w.-]{1,100}$/.test(raw.suggestedName)
      )
        return undefined;
      return {
        type: 'export',
        format: raw.format as ExportFormat,
        content: raw.content,
        suggestedName: raw.suggestedName,
      };
    case 'probeResult':
      return isInt(raw.requestId) &&
        isObj(raw.result) &&
        Array.isArray(raw.result.nodes) &&
        Array.isArray(raw.result.inputs)
        ? { type: 'probeResult', requestId: raw.requestId, result: raw.result as unknown as PanelProbe }
        : undefined;
    case 'log':
      return (raw.level === 'info' || raw.level === 'warn' || raw.level === 'error') && typeof raw.message === 'string'
        ? { type: 'log', level: raw.level, message: raw.message.slice(0, 10_000) }
        : undefined;
    default:
      return undefined;
  }
}
