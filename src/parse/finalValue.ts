/**
 * A top-level `let`/`var` that later code changes (`let loss = 0; for (…) loss += …;`): the
 * value a user means by "Show gradients on loss" is the one the variable ends up with, not its
 * initial value (which is only an input). This finds the top-level statement after which the
 * variable no longer changes, so the target can read the variable there.
 * One walk with an explicit stack (no recursion).
 */
import { ts } from 'ts-morph';
import { isFunctionLike, type Scopes } from './scope';

/** Where the final value of a reassigned top-level variable is read. */
export interface FinalValue {
  name: string;
  /** The last top-level statement that writes it; undefined: a function writes it (read at the end). */
  lastWriter?: ts.Statement;
}

/** True when the identifier is written by its context (`x = …`, `x += …`, `x++`, `[x] = …`, `for (x of …)`). */
function isWritten(id: ts.Identifier): boolean {
  let n: ts.Node = id;
  let p = n.parent;
  // Through destructuring-assignment patterns and parentheses.
  for (;;) {
    if (ts.isParenthesizedExpression(p) || ts.isArrayLiteralExpression(p) || ts.isSpreadElement(p)) {
      /* keep climbing */
    } else if (ts.isShorthandPropertyAssignment(p) && p.name === n) {
      /* `{ x } = o` */
    } else if (ts.isPropertyAssignment(p) && p.initializer === n) {
      /* `{ k: x } = o` */
    } else if (ts.isSpreadAssignment(p) || (ts.isObjectLiteralExpression(p) && n !== id)) {
      /* `{ ...x } = o` */
    } else break;
    n = p;
    p = p.parent;
  }
  if (ts.isBinaryExpression(p) && p.left === n) {
    const op = p.operatorToken.kind;
    return op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
  }
  if ((ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.initializer === n) return true;
  if (n === id && (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p))) {
    return p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken;
  }
  return false;
}

/**
 * For `decl`, a declaration of a top-level `let`/`var` with an identifier name: whether code after
 * it writes the same variable, and which top-level statement does so last. Undefined when nothing
 * writes it (the declaration's value is final) or when `decl` is not such a declaration.
 */
export function finalValueOf(sf: ts.SourceFile, scopes: Scopes, decl: ts.VariableDeclaration): FinalValue | undefined {
  const list = decl.parent;
  if (!ts.isVariableDeclarationList(list) || list.flags & ts.NodeFlags.Const || list.flags & ts.NodeFlags.Using)
    return undefined;
  const stmt = list.parent;
  if (!ts.isVariableStatement(stmt) || stmt.parent !== sf || !ts.isIdentifier(decl.name)) return undefined;
  const name = decl.name.text;
  const declIndex = sf.statements.indexOf(stmt);
  let last = -1;
  let inFunction = false;
  for (let i = 0; i < sf.statements.length; i++) {
    const top = sf.statements[i];
    // [node, inside a function body] pairs.
    const stack: Array<[ts.Node, boolean]> = [[top, false]];
    while (stack.length) {
      const [node, inFn] = stack.pop()!;
      if (ts.isIdentifier(node)) {
        if (node.text === name && node !== decl.name && isWritten(node) && scopes.resolve(name, node) === decl) {
          if (inFn) inFunction = true;
          else if (i > declIndex) last = i;
        }
        continue;
      }
      const fn = inFn || isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
      ts.forEachChild(node, (c) => {
        stack.push([c, fn]);
      });
    }
  }
  if (inFunction) return { name };
  if (last < 0) return undefined;
  return { name, lastWriter: sf.statements[last] };
}
