/**
 * The scope a declaration lives in (its function, block or the module), for the debugger link:
 * a paused program has a variable of that declaration only while it is paused inside that scope.
 * A debugger's scope chain alone cannot tell `w` of the paused function from `w` of another
 * function nested in the same module; this can.
 */
import { ts } from 'ts-morph';
import { isFunctionLike } from './scope';

export interface DeclarationScope {
  /** `function loss`, `block`, `for statement`, `module`. */
  label: string;
  /** Offsets of the scope's node (a function's range includes its parameters). */
  start: number;
  end: number;
}

function scriptKind(fileName: string): ts.ScriptKind {
  const ext = /\.(tsx|ts|mts|cts|jsx|js|mjs|cjs)$/i.exec(fileName)?.[1].toLowerCase();
  if (ext === 'tsx') return ts.ScriptKind.TSX;
  if (ext === 'jsx') return ts.ScriptKind.JSX;
  if (ext === 'js' || ext === 'mjs' || ext === 'cjs') return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** The innermost node whose range holds `offset` (iterative descent). */
function nodeAt(sf: ts.SourceFile, offset: number): ts.Node {
  let node: ts.Node = sf;
  for (;;) {
    let next: ts.Node | undefined;
    node.forEachChild((c) => {
      if (next === undefined && c.getStart(sf) <= offset && offset < c.end) next = c;
      return next !== undefined;
    });
    if (!next) return node;
    node = next;
  }
}

function label(node: ts.Node, sf: ts.SourceFile): string {
  if (ts.isSourceFile(node)) return 'module';
  if (isFunctionLike(node)) {
    const name = (node as { name?: ts.Node }).name;
    return name && ts.isIdentifier(name) ? `function ${name.text}` : 'a function';
  }
  if (ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) return 'a for statement';
  if (ts.isCatchClause(node)) return 'a catch clause';
  const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  return `the block at line ${line}`;
}

function scopeOf(node: ts.Node, sf: ts.SourceFile): DeclarationScope {
  return { label: label(node, sf), start: ts.isSourceFile(node) ? 0 : node.getStart(sf), end: node.end };
}

/**
 * For each offset that is on the name of a parameter or variable declaration, the scope that
 * declaration belongs to: a parameter → its function; `let`/`const` → the enclosing block, `for`
 * statement or module; `var` → the enclosing function or module. Undefined for other offsets.
 */
export function declarationScopes(req: {
  text: string;
  fileName?: string;
  offsets: readonly number[];
}): Array<DeclarationScope | undefined> {
  const fileName = req.fileName ?? 'input.ts';
  const sf = ts.createSourceFile(fileName, req.text, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  return req.offsets.map((offset) => {
    let n: ts.Node | undefined = nodeAt(sf, offset);
    if (!n || !ts.isIdentifier(n)) return undefined;
    // Up through destructuring patterns to the parameter or variable declaration.
    n = n.parent;
    while (n && (ts.isBindingElement(n) || ts.isObjectBindingPattern(n) || ts.isArrayBindingPattern(n))) n = n.parent;
    if (!n) return undefined;
    if (ts.isParameter(n)) return isFunctionLike(n.parent) ? scopeOf(n.parent, sf) : undefined;
    if (!ts.isVariableDeclaration(n)) return undefined;
    const list = n.parent;
    if (!ts.isVariableDeclarationList(list)) return undefined;
    const blockScoped = (list.flags & ts.NodeFlags.BlockScoped) !== 0;
    let s: ts.Node | undefined = ts.isVariableStatement(list.parent) ? list.parent.parent : list.parent;
    while (s) {
      if (ts.isSourceFile(s) || isFunctionLike(s)) return scopeOf(s, sf);
      // A function's body block is the function's own scope (the debugger's "Local" scope).
      if (ts.isBlock(s) && isFunctionLike(s.parent)) return scopeOf(s.parent, sf);
      if (
        blockScoped &&
        (ts.isBlock(s) ||
          ts.isModuleBlock(s) ||
          ts.isCaseBlock(s) ||
          ts.isForStatement(s) ||
          ts.isForOfStatement(s) ||
          ts.isForInStatement(s) ||
          ts.isCatchClause(s))
      )
        return scopeOf(s, sf);
      s = s.parent;
    }
    return undefined;
  });
}
