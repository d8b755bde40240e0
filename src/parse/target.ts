/**
 * Finding the target expression: from a selection, a cursor, a declaration name or a line.
 * All tree walks use explicit stacks or descend one path (no recursion).
 */
import { ts } from 'ts-morph';
import { GradientLensError } from '../core/errors';
import { functionInitializer, isFunctionLike, literalValue, unwrap, type FunctionLike } from './scope';
import { SourceText } from './text';

/** What to evaluate. */
export interface Target {
  /** The expression whose value is the target (for a function target: its result expression, if it has one). */
  expr?: ts.Expression;
  /** Set for a function target: the function is called with its parameters as free inputs. */
  fn?: FunctionLike;
  /** Set when the target is a variable's initializer (evaluated through the declaration). */
  decl?: ts.VariableDeclaration;
  /** Declaration (or function) name for target.name. */
  name?: string;
  /** The statement-ish node the target was found from (for listTargets ranges). */
  anchor: ts.Node;
  /**
   * A selection of an expression (not of a statement, a declaration or a name): inside a function
   * body it is highlighted in the enclosing function's analysis (parse/index.ts lowerTarget).
   */
  selected?: boolean;
}

function children(node: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  ts.forEachChild(node, (c) => {
    out.push(c);
  });
  return out;
}

/** Nodes from the file down to the innermost node containing [s, e] (s === e: the position s). */
function pathTo(src: SourceText, s: number, e: number): ts.Node[] {
  const path: ts.Node[] = [src.sf];
  let cur: ts.Node = src.sf;
  for (;;) {
    let next: ts.Node | undefined;
    for (const c of children(cur)) {
      const cs = src.start(c);
      if (cs <= s && (s === e ? s < c.end : e <= c.end)) {
        next = c;
        break;
      }
    }
    if (!next) return path;
    path.push(next);
    cur = next;
  }
}

/** The expression a function returns, when its body is an expression or ends with `return expr`. */
function functionResult(fn: FunctionLike): ts.Expression | undefined {
  const body = fn.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return body;
  const last = body.statements[body.statements.length - 1];
  return last && ts.isReturnStatement(last) && last.expression ? last.expression : undefined;
}

export function functionName(fn: FunctionLike): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  let p: ts.Node = fn.parent;
  while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p))) p = p.parent;
  return p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) ? p.name.text : undefined;
}

function functionTarget(fn: FunctionLike, anchor: ts.Node): Target | undefined {
  if (!fn.body) return undefined;
  const expr = functionResult(fn);
  const t: Target = { fn, name: functionName(fn), anchor };
  if (expr) t.expr = expr;
  return t;
}

/** The target meant by a declaration-ish or statement node, if any. */
export function targetOf(node: ts.Node): Target | undefined {
  if (ts.isVariableDeclaration(node)) {
    if (!node.initializer) return undefined;
    const fn = functionInitializer(node.initializer);
    if (fn) return functionTarget(fn, node);
    return {
      expr: node.initializer,
      decl: node,
      name: ts.isIdentifier(node.name) ? node.name.text : undefined,
      anchor: node,
    };
  }
  if (ts.isVariableStatement(node)) return targetOf(node.declarationList);
  if (ts.isVariableDeclarationList(node)) {
    // Several declarations: the first one with a non-literal, non-function initializer.
    const ds = node.declarations;
    if (ds.length === 1) return targetOf(ds[0]);
    for (const d of ds) {
      if (d.initializer && !functionInitializer(d.initializer) && !isPlainLiteral(d.initializer)) return targetOf(d);
    }
    return ds.length ? targetOf(ds[0]) : undefined;
  }
  if (ts.isReturnStatement(node)) return node.expression ? { expr: node.expression, anchor: node } : undefined;
  if (ts.isExpressionStatement(node)) return { expr: node.expression, anchor: node };
  if (ts.isFunctionDeclaration(node)) return functionTarget(node, node);
  return undefined;
}

/** A declaration whose value is a literal (an input, not a target): `3`, `-2`, `Infinity`, ... */
function isPlainLiteral(e: ts.Expression): boolean {
  return literalValue(e) !== undefined;
}

/** Statement kinds that end the search for an enclosing target. */
function isBarrier(node: ts.Node): boolean {
  if (ts.isSourceFile(node) || ts.isClassLike(node) || ts.isModuleBlock(node)) return true;
  if (ts.isBlock(node)) return !node.parent || !isFunctionLike(node.parent);
  return (
    ts.isStatement(node) &&
    !ts.isVariableStatement(node) &&
    !ts.isReturnStatement(node) &&
    !ts.isExpressionStatement(node) &&
    !ts.isFunctionDeclaration(node)
  );
}

function noExpression(src: SourceText, at: number, what: string): GradientLensError {
  const r = src.rangeOf(at, at);
  return new GradientLensError(
    'no-expression',
    `No arithmetic expression ${what} at ${r.line}:${r.column} in ${src.fileName}`,
    { line: r.line, column: r.column, start: r.start, end: r.end },
  );
}

function isStatementList(node: ts.Node): boolean {
  return (
    ts.isSourceFile(node) ||
    ts.isBlock(node) ||
    ts.isModuleBlock(node) ||
    ts.isCaseClause(node) ||
    ts.isDefaultClause(node)
  );
}

/**
 * A cursor between the statements of `list` (in whitespace or a comment): a position inside the
 * statement on the cursor's line, if there is one. In the line's leading indentation that is
 * the statement starting on the line; elsewhere (a trailing `// comment`, after the `;`) the
 * statement ending on the line before the cursor, else the one starting after it.
 */
function statementOnLine(src: SourceText, list: ts.Node, pos: number): number | undefined {
  if (!isStatementList(list)) return undefined;
  const line = src.lineOf(pos);
  const lineStart = src.sf.getLineStarts()[line - 1];
  const text = src.text;
  let indent = true;
  for (let i = lineStart; i < pos; i++) {
    if (text[i] !== ' ' && text[i] !== '\t' && text[i] !== '\ufeff') {
      indent = false;
      break;
    }
  }
  let prev: ts.Node | undefined;
  let next: ts.Node | undefined;
  for (const c of children(list)) {
    if (!ts.isStatement(c)) continue;
    if (c.end <= pos) prev = c;
    else if (!next && src.start(c) >= pos) next = c;
  }
  const prevOk = prev && prev.end > prev.pos && src.lineOf(prev.end - 1) === line;
  const nextOk = next && src.lineOf(src.start(next)) === line;
  if (nextOk && (indent || !prevOk)) return src.start(next!);
  if (prevOk) return prev!.end - 1;
  return undefined;
}

/** Cursor: the innermost declaration / return / expression statement (or arrow body) around `pos`. */
export function targetAtCursor(src: SourceText, pos: number): Target {
  const text = src.text;
  let path = pathTo(src, pos, pos);
  const onLine = statementOnLine(src, path[path.length - 1], pos);
  if (onLine !== undefined) {
    path = pathTo(src, onLine, onLine);
  } else if (path.length <= 1 || isBarrier(path[path.length - 1])) {
    // After the end of a statement on the same line (`x * y;|`): step back over blanks and `;`.
    let q = pos;
    while (q > 0 && (text[q - 1] === ' ' || text[q - 1] === '\t' || text[q - 1] === ';')) q--;
    if (q > 0 && text[q - 1] !== '\n' && text[q - 1] !== '\r') path = pathTo(src, q - 1, q - 1);
  }
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i];
    if (ts.isArrowFunction(n) && !ts.isBlock(n.body) && i + 1 < path.length && path[i + 1] === n.body) {
      return { expr: n.body, name: functionName(n), anchor: n };
    }
    if (isFunctionLike(n)) {
      const t = functionTarget(n, n);
      if (t) return t;
      break;
    }
    if (ts.isVariableDeclaration(n) || ts.isReturnStatement(n) || ts.isExpressionStatement(n)) {
      const t = targetOf(n);
      if (t) return t;
      if (ts.isVariableDeclaration(n)) break;
    }
    if (ts.isVariableStatement(n)) {
      const t = targetOf(n);
      if (t) return t;
    }
    if (isBarrier(n)) break;
  }
  throw noExpression(src, pos, 'around the cursor');
}

/** Is this identifier/property access only part of a bigger construct (callee, `Math`, a property name)? */
function isNotAValue(n: ts.Node): boolean {
  const p = n.parent;
  if (!p) return false;
  if (ts.isPropertyAccessExpression(p) && (p.name === n || (ts.isIdentifier(n) && n.text === 'Math'))) return true;
  if (ts.isCallExpression(p) && p.expression === n) return true;
  return false;
}

/** Non-empty selection [s, e) (already trimmed). */
export function targetOfSelection(src: SourceText, s: number, e: number): Target {
  const path = pathTo(src, s, e);
  let i = path.length - 1;
  // Climb out of callees, property names and `Math`.
  while (i > 0 && isNotAValue(path[i])) i--;
  const n = path[i];
  // A declaration's name selected: the declaration.
  if (
    ts.isIdentifier(n) &&
    n.parent &&
    (ts.isVariableDeclaration(n.parent) || ts.isFunctionDeclaration(n.parent)) &&
    n.parent.name === n
  ) {
    const t = targetOf(n.parent);
    if (t) return t;
    throw noExpression(src, s, 'in the selection');
  }
  if (
    ts.isExpression(n) &&
    !ts.isFunctionExpression(n) &&
    !ts.isArrowFunction(n) &&
    n.kind !== ts.SyntaxKind.OmittedExpression
  ) {
    // Exactly a declaration's initializer: the declaration (so the target gets its name).
    const p = n.parent;
    if (p && ts.isVariableDeclaration(p) && p.initializer === n) {
      const t = targetOf(p);
      if (t) return { ...t, selected: true };
    }
    return { expr: n, anchor: n, selected: true };
  }
  for (let j = i; j >= 0; j--) {
    const m = path[j];
    if (isFunctionLike(m)) {
      const t = functionTarget(m, m);
      if (t) return t;
      break;
    }
    if (
      ts.isVariableDeclaration(m) ||
      ts.isVariableDeclarationList(m) ||
      ts.isVariableStatement(m) ||
      ts.isReturnStatement(m) ||
      ts.isExpressionStatement(m)
    ) {
      const t = targetOf(m);
      if (t) return t;
      break;
    }
    if (ts.isExpression(m) && m !== n) return { expr: m, anchor: m, selected: true };
    if (isBarrier(m)) break;
  }
  throw noExpression(src, s, 'in the selection');
}

/**
 * `--name NAME`: the variable (or, failing that, function) declaration named NAME, shallowest
 * first (then first in the file). Level by level, stopping at the first level with a variable
 * of that name: a top-level `const NAME` is found without walking the rest of the file.
 */
export function targetByName(src: SourceText, name: string): Target {
  let best: ts.Node | undefined;
  let bestFn: ts.Node | undefined;
  let level: ts.Node[] = [src.sf];
  while (level.length && !best) {
    const next: ts.Node[] = [];
    const add = (c: ts.Node) => {
      next.push(c);
    };
    for (const n of level) {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name) {
        if (!best || n.pos < best.pos) best = n;
      } else if (!bestFn && ts.isFunctionDeclaration(n) && n.name?.text === name) {
        bestFn = n; // the first of the shallowest level: `level` is in document order
      }
      if (!best) ts.forEachChild(n, add);
    }
    level = next;
  }
  const found = best ?? bestFn;
  if (!found) {
    // Name what the file does declare at its top level, so the fix is one copy away.
    const declared: string[] = [];
    for (const st of src.sf.statements) {
      if (ts.isVariableStatement(st))
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) declared.push(d.name.text);
      if (ts.isFunctionDeclaration(st) && st.name) declared.push(st.name.text);
    }
    const list = declared.length > 20 ? [...declared.slice(0, 5), '…', ...declared.slice(-14)] : declared;
    throw new GradientLensError(
      'no-expression',
      `No declaration named '${name}' in ${src.fileName}` +
        (declared.length
          ? `. Declared at its top level: ${list.join(', ')}; give one of these names (or the line of an expression).`
          : ': it declares nothing at its top level; give the line of the expression or return to differentiate.'),
      undefined,
      [name],
    );
  }
  const t = targetOf(found);
  if (!t) {
    const w = src.where(found);
    throw new GradientLensError(
      'no-expression',
      `Declaration '${name}' at ${w.line}:${w.column} has no arithmetic expression to differentiate`,
      w,
      [name],
    );
  }
  return t;
}

/** `--line N`: the declaration / return / expression statement starting on line N. */
export function targetByLine(src: SourceText, line: number): Target {
  const lineCount = src.sf.getLineStarts().length;
  if (!Number.isInteger(line) || line < 1 || line > lineCount) {
    throw new GradientLensError('usage', `Line ${line} is outside ${src.fileName} (1 to ${lineCount})`);
  }
  const candidates: ts.Node[] = [];
  const lineStart = src.sf.getLineStarts()[line - 1];
  const stack: ts.Node[] = [src.sf];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.end < lineStart) continue; // entirely before the line
    const start = src.start(n);
    if (src.lineOf(start) > line) continue; // starts after the line
    if (
      src.lineOf(start) === line &&
      (ts.isVariableStatement(n) ||
        ts.isVariableDeclaration(n) ||
        ts.isReturnStatement(n) ||
        ts.isExpressionStatement(n) ||
        ts.isFunctionDeclaration(n))
    ) {
      candidates.push(n);
    }
    const cs = children(n);
    for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]);
  }
  // Document order; prefer declarations/returns/expression statements over whole functions.
  candidates.sort((a, b) => a.pos - b.pos);
  for (const c of candidates) {
    if (ts.isFunctionDeclaration(c)) continue;
    const t = targetOf(c);
    if (t) return t;
  }
  for (const c of candidates) {
    const t = targetOf(c);
    if (t) return t;
  }
  throw new GradientLensError(
    'no-expression',
    `No declaration, return or expression statement starts on line ${line} of ${src.fileName}`,
    {
      line,
      column: 1,
      start: src.sf.getLineStarts()[line - 1] + src.base,
      end: src.sf.getLineStarts()[line - 1] + src.base,
    },
  );
}

/** Every variable declaration and return statement in the file, as candidate targets (document order). */
export function candidateTargets(src: SourceText): Target[] {
  const out: Target[] = [];
  const stack: ts.Node[] = [src.sf];
  while (stack.length) {
    const n = stack.pop()!;
    if (ts.isVariableDeclaration(n) && n.initializer) {
      const init = unwrap(n.initializer);
      if (!isPlainLiteral(n.initializer) && !ts.isArrayLiteralExpression(init)) {
        const t = targetOf(n);
        if (t) out.push(t);
      }
    } else if (ts.isReturnStatement(n) && n.expression) {
      out.push({ expr: n.expression, anchor: n });
    } else if (ts.isFunctionDeclaration(n) && n.body && n.name) {
      const t = functionTarget(n, n);
      if (t && !t.expr) out.push(t);
    }
    const cs = children(n);
    for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]);
  }
  return out;
}
