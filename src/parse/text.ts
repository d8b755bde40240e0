/**
 * Source positions, abbreviated text and construct names for messages.
 * Nothing here allocates the full text of a large node: `abbreviate` slices only its ends.
 */
import { ts } from 'ts-morph';
import type { SourceRange } from '../core/expr';
import { GradientLensError, type ErrorCode } from '../core/errors';

/** Longest node label. */
export const LABEL_MAX = 48;
/** Longest target text. */
export const TARGET_TEXT_MAX = 200;
/** Longest quoted source text in an error message. */
export const MESSAGE_TEXT_MAX = 60;

type Diagnostics = { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] };

/**
 * Source file plus the helpers every pass needs.
 *
 * `base` is the number of characters stripped from the front of the caller's text before
 * parsing (1 for a leading byte order mark U+FEFF, else 0). Internally every offset refers to
 * `text` (= sf.text, without the BOM); every offset handed out (SourceRange.start/end, error
 * start/end) is shifted by `base`, so it refers to the text the caller passed. Lines and columns
 * count the characters an editor shows, i.e. without the BOM.
 */
export class SourceText {
  readonly text: string;
  private syntaxDiags: readonly ts.DiagnosticWithLocation[] | undefined;
  private lineStarts: readonly number[] | undefined;
  /** The last label abbreviateByEnds gave (abbrev): its start, max, end window and label. */
  private lastByEnds: { start: number; max: number; tail: string; label: string } | undefined;
  /** The node `start` was last asked about, and its answer. */
  private lastStartNode: ts.Node | undefined;
  private lastStart = 0;
  constructor(
    readonly sf: ts.SourceFile,
    readonly fileName: string,
    readonly base = 0,
  ) {
    this.text = sf.text;
  }

  /** The parser's syntax diagnostics, sorted by start. */
  private diagnostics(): readonly ts.DiagnosticWithLocation[] {
    if (!this.syntaxDiags) {
      const all = (this.sf as unknown as Diagnostics).parseDiagnostics ?? [];
      this.syntaxDiags = all.filter((d) => d.start !== undefined).sort((a, b) => a.start - b.start);
    }
    return this.syntaxDiags;
  }

  /**
   * The first syntax error inside [start, end] (internal offsets), if any. The token right
   * after the range counts too: `1 + ;` reports its error at the `;`. O(log n) per call.
   */
  syntaxErrorIn(start: number, end: number): GradientLensError | undefined {
    const diags = this.diagnostics();
    if (diags.length === 0) return undefined;
    const t = this.text;
    while (end < t.length && (t[end] === ' ' || t[end] === '\t' || t[end] === '\n' || t[end] === '\r')) end++;
    let lo = 0;
    let hi = diags.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (diags[mid].start < start) lo = mid + 1;
      else hi = mid;
    }
    const d = diags[lo];
    if (!d || d.start > end) return undefined;
    const r = this.rangeOf(d.start, d.start + (d.length ?? 0));
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    return new GradientLensError('syntax', `Syntax error: ${msg} at ${r.line}:${r.column}`, {
      line: r.line,
      column: r.column,
      start: r.start,
      end: r.end,
    });
  }

  /** The syntax error inside a node (see syntaxErrorIn). */
  syntaxErrorInNode(node: ts.Node): GradientLensError | undefined {
    return this.syntaxErrorIn(this.start(node), node.end);
  }

  /**
   * Start of the node without leading trivia. The last answer is kept: the lowering asks it for
   * the same node twice in a row (its range, then its label), and each asks the scanner to skip
   * the trivia again.
   */
  start(node: ts.Node): number {
    if (node !== this.lastStartNode) {
      this.lastStart = node.getStart(this.sf);
      this.lastStartNode = node;
    }
    return this.lastStart;
  }

  range(node: ts.Node): SourceRange {
    return this.rangeOf(this.start(node), node.end);
  }

  rangeOf(start: number, end: number): SourceRange {
    const a = this.lineIndex(start);
    const b = this.lineIndex(end);
    const ls = this.lineStarts!;
    const o = this.base;
    return {
      start: start + o,
      end: end + o,
      line: a + 1,
      column: start - ls[a] + 1,
      endLine: b + 1,
      endColumn: end - ls[b] + 1,
    };
  }

  /**
   * 0-based line of an offset (0 ≤ offset), as sf.getLineAndCharacterOfPosition(offset).line
   * gives it, without allocating: one is asked for every node of a 20,000-term sum.
   */
  private lineIndex(offset: number): number {
    const ls = (this.lineStarts ??= this.sf.getLineStarts());
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** `line:column` (1-based) of the node's start. */
  pos(node: ts.Node): string {
    const lc = this.sf.getLineAndCharacterOfPosition(this.start(node));
    return `${lc.line + 1}:${lc.character + 1}`;
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    return this.lineIndex(offset) + 1;
  }

  /** The node's text, whitespace runs collapsed, at most `max` chars with '…' in the middle. */
  abbrev(node: ts.Node, max: number): string {
    const start = this.start(node);
    const end = node.end;
    if (end - start > longAbove(max)) {
      // A long node: abbreviate reads a window of endWindow(max) characters at each end first,
      // and that suffices for most. Every sum of `1 + 1 + ...` starts at the same offset and
      // ends in the same characters: the same label as the last one, found by comparing the
      // end windows (no new strings; 20,000 labels of a 20,000-term sum are one string).
      const w = endWindow(max);
      const last = this.lastByEnds;
      if (last && last.start === start && last.max === max && this.text.startsWith(last.tail, end - w))
        return last.label;
      const label = abbreviateByEnds(this.text, start, end, max);
      if (label !== undefined) {
        this.lastByEnds = { start, max, tail: this.text.slice(end - w, end), label };
        return label;
      }
    }
    return abbreviate(this.text, start, end, max);
  }

  /** The error `where` argument for a node. */
  where(node: ts.Node): { line: number; column: number; start: number; end: number } {
    const start = this.start(node);
    const lc = this.sf.getLineAndCharacterOfPosition(start);
    return { line: lc.line + 1, column: lc.character + 1, start: start + this.base, end: node.end + this.base };
  }

  /** A GradientLensError located at `node`. */
  error(code: ErrorCode, message: string, node: ts.Node, details?: string[]): GradientLensError {
    return new GradientLensError(code, message, this.where(node), details);
  }

  /** Quoted abbreviated text for messages: string literals keep their own quotes. */
  quote(node: ts.Node): string {
    const t = this.abbrev(node, MESSAGE_TEXT_MAX);
    const q = t.charAt(0);
    if ((q === '"' || q === "'" || q === '`') && t.length >= 2 && t.charAt(t.length - 1) === q) return t;
    return `"${t}"`;
  }
}

/**
 * Sets `parent` on every node under `root`, as `ts.createSourceFile(..., setParentNodes: true)`
 * does (JSDoc nodes included: their parent is the node they document), in one iterative pass
 * with one callback (TypeScript's pass gathers each node's children into a new array first).
 * Tokens (identifiers, literals, operators: kind ≤ LastToken) have no children (ts.forEachChild
 * returns at once for them), so they are not visited in turn: two of every three nodes of a sum.
 * test/unit/tsParserOnly.test.ts checks it against TypeScript's own pass.
 */
export function setParents(root: ts.Node): void {
  // Read once: the bundles' `ts` is an object of getters.
  const lastToken = ts.SyntaxKind.LastToken;
  const forEachChild = ts.forEachChild;
  const stack: ts.Node[] = [root];
  let parent: ts.Node = root;
  const visit = (child: ts.Node): void => {
    (child as { parent: ts.Node }).parent = parent;
    if (child.kind > lastToken) stack.push(child);
    const docs = (child as { jsDoc?: ts.Node[] }).jsDoc;
    if (docs) {
      for (const doc of docs) {
        (doc as { parent: ts.Node }).parent = child;
        stack.push(doc);
      }
    }
  };
  while (stack.length) {
    parent = stack.pop()!;
    forEachChild(parent, visit);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

/**
 * Up to `limit` characters of text[start, end) read forwards (dir 1, from start) or backwards
 * (dir -1, from end), with whitespace runs collapsed to one space and outer whitespace dropped.
 * Returns the characters in text order and whether the whole range was consumed.
 */
function scan(text: string, start: number, end: number, limit: number, dir: 1 | -1): { s: string; all: boolean } {
  const out: string[] = [];
  let i = dir === 1 ? start : end - 1;
  let pendingSpace = false;
  while (dir === 1 ? i < end : i >= start) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      if (out.length) pendingSpace = true;
    } else {
      if (pendingSpace) {
        if (out.length >= limit) break;
        out.push(' ');
        pendingSpace = false;
      }
      if (out.length >= limit) break;
      out.push(text[i]);
    }
    i += dir;
  }
  const all = dir === 1 ? i >= end : i < start;
  if (dir === -1) out.reverse();
  return { s: out.join(''), all };
}

/**
 * text[start, end) with whitespace runs collapsed to one space, shortened to at most `max`
 * characters by replacing the middle with '…'. Only O(max) characters are ever copied.
 */
export function abbreviate(text: string, start: number, end: number, max: number): string {
  // Fast path: collapse whitespace on bounded slices (the scan below is the definition).
  const K = longAbove(max);
  const headLen = Math.ceil((max - 1) / 2);
  const tailLen = max - 1 - headLen;
  if (end - start <= K) {
    const full = collapse(text.slice(start, end)).trim();
    if (full.length <= max) return full;
    const tail = full.slice(full.length - tailLen);
    return full.slice(0, headLen).trimEnd() + '…' + tail.trimStart();
  }
  const byEnds = abbreviateByEnds(text, start, end, max);
  if (byEnds !== undefined) return byEnds;
  const head = collapse(text.slice(start, start + K)).trimStart();
  const tailSrc = collapse(text.slice(end - K, end)).trimEnd();
  if (head.trimEnd().length > max && tailSrc.length > tailLen) {
    return head.slice(0, headLen).trimEnd() + '…' + tailSrc.slice(tailSrc.length - tailLen).trimStart();
  }
  const whole = scan(text, start, end, max, 1);
  if (whole.all) return whole.s;
  const h = whole.s.slice(0, headLen).trimEnd();
  const t = scan(text, start, end, tailLen, -1).s;
  return h + '…' + t.trimStart();
}

/** Ranges longer than this are abbreviated from windows at their ends (abbreviate). */
function longAbove(max: number): number {
  return 4 * max + 8;
}

/** The window at each end of a long range that abbreviateByEnds reads. */
function endWindow(max: number): number {
  return Math.min(max + 16, longAbove(max));
}

/**
 * abbreviate for a long range (end - start > longAbove(max)) when a short window at each end
 * already holds enough characters (most long nodes: every sum in a 20,000-term sum has a label);
 * undefined otherwise. Collapsing a prefix (suffix) of the text gives a prefix (suffix) of the
 * collapsed text, so this is what the longer windows would give. Reads only
 * text[start, start + w) and text[end - w, end), w = endWindow(max).
 */
function abbreviateByEnds(text: string, start: number, end: number, max: number): string | undefined {
  const headLen = Math.ceil((max - 1) / 2);
  const tailLen = max - 1 - headLen;
  const w = endWindow(max); // inside [start, end): end - start > longAbove(max) here
  const head = collapse(text.slice(start, start + w)).trimStart();
  if (head.trimEnd().length > max) {
    const tail = collapse(text.slice(end - w, end)).trimEnd();
    if (tail.length > tailLen)
      return head.slice(0, headLen).trimEnd() + '…' + tail.slice(tail.length - tailLen).trimStart();
  }
  return undefined;
}

/** The characters isSpace accepts, as runs. */
const WS = /[ \t\n\r\v\f\u00a0\ufeff]+/g;
/** Anything collapsing would change: a run of two blanks, or a blank other than a space. */
const WS_CHANGE = /[\t\n\r\v\f\u00a0\ufeff]| {2}/;

/** Whitespace runs → one space (a single regex test when there is nothing to collapse). */
function collapse(s: string): string {
  return WS_CHANGE.test(s) ? s.replace(WS, ' ') : s;
}

/** Construct names in words, for `Unsupported syntax: <words> ...`. */
const KIND_WORDS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.StringLiteral]: 'string literal',
  [ts.SyntaxKind.NoSubstitutionTemplateLiteral]: 'template literal',
  [ts.SyntaxKind.TemplateExpression]: 'template literal',
  [ts.SyntaxKind.TaggedTemplateExpression]: 'tagged template',
  [ts.SyntaxKind.RegularExpressionLiteral]: 'regular expression',
  [ts.SyntaxKind.BigIntLiteral]: 'bigint literal',
  [ts.SyntaxKind.TrueKeyword]: 'boolean literal',
  [ts.SyntaxKind.FalseKeyword]: 'boolean literal',
  [ts.SyntaxKind.NullKeyword]: "'null'",
  [ts.SyntaxKind.ThisKeyword]: "'this'",
  [ts.SyntaxKind.SuperKeyword]: "'super'",
  [ts.SyntaxKind.NewExpression]: "'new' expression",
  [ts.SyntaxKind.AwaitExpression]: "'await' expression",
  [ts.SyntaxKind.YieldExpression]: "'yield' expression",
  [ts.SyntaxKind.TypeOfExpression]: "'typeof' expression",
  [ts.SyntaxKind.VoidExpression]: "'void' expression",
  [ts.SyntaxKind.DeleteExpression]: "'delete' expression",
  [ts.SyntaxKind.ArrayLiteralExpression]: 'array literal',
  [ts.SyntaxKind.ObjectLiteralExpression]: 'object literal',
  [ts.SyntaxKind.PropertyAccessExpression]: 'property access',
  [ts.SyntaxKind.ElementAccessExpression]: 'element access',
  [ts.SyntaxKind.ArrowFunction]: 'function expression',
  [ts.SyntaxKind.FunctionExpression]: 'function expression',
  [ts.SyntaxKind.ClassExpression]: 'class expression',
  [ts.SyntaxKind.SpreadElement]: 'spread',
  [ts.SyntaxKind.CallExpression]: 'call',
  [ts.SyntaxKind.MetaProperty]: 'meta property',
  [ts.SyntaxKind.OmittedExpression]: 'omitted expression',
  [ts.SyntaxKind.JsxElement]: 'JSX',
  [ts.SyntaxKind.JsxSelfClosingElement]: 'JSX',
  [ts.SyntaxKind.JsxFragment]: 'JSX',
};

/** Words for binary operators we do not differentiate. */
export function binaryOperatorWords(op: ts.SyntaxKind): string {
  switch (op) {
    case ts.SyntaxKind.EqualsToken:
      return 'assignment';
    case ts.SyntaxKind.AmpersandAmpersandToken:
    case ts.SyntaxKind.BarBarToken:
      return `logical operator '${ts.tokenToString(op)}'`;
    case ts.SyntaxKind.QuestionQuestionToken:
      return "nullish operator '??'";
    case ts.SyntaxKind.CommaToken:
      return 'comma operator';
    case ts.SyntaxKind.InKeyword:
      return "'in' operator";
    case ts.SyntaxKind.InstanceOfKeyword:
      return "'instanceof' operator";
    case ts.SyntaxKind.AmpersandToken:
    case ts.SyntaxKind.BarToken:
    case ts.SyntaxKind.CaretToken:
    case ts.SyntaxKind.LessThanLessThanToken:
    case ts.SyntaxKind.GreaterThanGreaterThanToken:
    case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken:
      return `bitwise operator '${ts.tokenToString(op)}'`;
    default:
      if (op >= ts.SyntaxKind.FirstCompoundAssignment && op <= ts.SyntaxKind.LastCompoundAssignment) {
        return `compound assignment '${ts.tokenToString(op)}'`;
      }
      return `operator '${ts.tokenToString(op) ?? ts.SyntaxKind[op]}'`;
  }
}

/** Words for a prefix/postfix unary operator we do not differentiate. */
export function unaryOperatorWords(op: ts.SyntaxKind, postfix: boolean): string {
  switch (op) {
    case ts.SyntaxKind.PlusPlusToken:
      return postfix ? "postfix increment '++'" : "prefix increment '++'";
    case ts.SyntaxKind.MinusMinusToken:
      return postfix ? "postfix decrement '--'" : "prefix decrement '--'";
    case ts.SyntaxKind.ExclamationToken:
      return "logical not '!'";
    case ts.SyntaxKind.TildeToken:
      return "bitwise not '~'";
    default:
      return `operator '${ts.tokenToString(op) ?? ts.SyntaxKind[op]}'`;
  }
}

/** What to write instead of a construct the interpreter refuses (the end of `Unsupported syntax: ...`). */
export const INSTEAD_WORDS = 'rewrite it with the supported subset (README: "What the program may contain")';

/** A construct's name in words ('string literal', "'new' expression", ...). */
export function kindWords(node: ts.Node): string {
  if (ts.isBinaryExpression(node)) return binaryOperatorWords(node.operatorToken.kind);
  if (ts.isPrefixUnaryExpression(node)) return unaryOperatorWords(node.operator, false);
  if (ts.isPostfixUnaryExpression(node)) return unaryOperatorWords(node.operator, true);
  const w = KIND_WORDS[node.kind];
  if (w) return w;
  // Fallback: 'ConditionalType' → 'conditional type'.
  return (ts.SyntaxKind[node.kind] ?? 'syntax')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/ expression$/, ' expression');
}
