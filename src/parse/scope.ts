/**
 * Lexical name resolution over the compiler AST, without recursion and without a type checker.
 *
 * A "container" is a node that declares names: the source file, blocks, function-likes
 * (parameters), for statements, catch clauses, case blocks and module blocks. A name resolves
 * to the declaration in the nearest enclosing container that declares it (first declaration
 * wins), then outwards up to the file. `var` hoisting out of nested blocks is not modelled.
 */
import { ts } from 'ts-morph';

export type FunctionLike =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

export function isFunctionLike(node: ts.Node): node is FunctionLike {
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.Constructor:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
      return true;
    default:
      return false;
  }
}

function isContainer(node: ts.Node): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.SourceFile:
    case ts.SyntaxKind.Block:
    case ts.SyntaxKind.ModuleBlock:
    case ts.SyntaxKind.CaseBlock:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.CatchClause:
      return true;
    default:
      return isFunctionLike(node);
  }
}

/** Strips `( )`, `as T`, `<T>`, `!` and `satisfies T` (all transparent for us). */
export function unwrap(node: ts.Expression): ts.Expression {
  for (;;) {
    if (
      ts.isParenthesizedExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isTypeAssertionExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isSatisfiesExpression(node)
    ) {
      node = node.expression;
    } else {
      return node;
    }
  }
}

/**
 * The value of a numeric literal, possibly signed and wrapped: `3`, `-2`, `+3`, `(-2)`,
 * `-(2)`, `2 as number`, `Infinity`, `-Infinity`, `NaN`. Undefined when the expression is
 * anything else. (`Infinity` and `NaN` are taken to be the globals: they are read-only
 * and not worth a scope lookup.)
 */
export function literalValue(expr: ts.Expression): number | undefined {
  let sign = 1;
  let e = unwrap(expr);
  for (;;) {
    if (ts.isNumericLiteral(e)) return sign * Number(e.text);
    if (ts.isIdentifier(e) && (e.text === 'Infinity' || e.text === 'NaN'))
      return e.text === 'NaN' ? NaN : sign * Infinity;
    if (
      ts.isPrefixUnaryExpression(e) &&
      (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken)
    ) {
      if (e.operator === ts.SyntaxKind.MinusToken) sign = -sign;
      e = unwrap(e.operand);
      continue;
    }
    return undefined;
  }
}

/** Function expressions and arrows behind wrappers, e.g. the initializer of `const f = (a) => ...`. */
export function functionInitializer(
  expr: ts.Expression | undefined,
): ts.ArrowFunction | ts.FunctionExpression | undefined {
  if (!expr) return undefined;
  const e = unwrap(expr);
  return ts.isArrowFunction(e) || ts.isFunctionExpression(e) ? e : undefined;
}

export function isConstList(list: ts.VariableDeclarationList): boolean {
  return (list.flags & ts.NodeFlags.Const) !== 0;
}

/** The declaring construct of a name: VariableDeclaration, Parameter, BindingElement, FunctionDeclaration, ... */
export type Declaration = ts.Node;

export class Scopes {
  /** Node → the nearest container strictly enclosing it. */
  private readonly containerCache = new Map<ts.Node, ts.Node>();
  private readonly declCache = new Map<ts.Node, Map<string, Declaration>>();

  constructor(readonly sf: ts.SourceFile) {}

  /**
   * The nearest container enclosing `node` (the node itself excluded). Amortized O(1):
   * every node on the walked path is cached, so a 20,000-deep left-leaning sum costs O(n) overall.
   */
  containerOf(node: ts.Node): ts.Node {
    const path: ts.Node[] = [];
    let cur: ts.Node | undefined = node.parent;
    let found: ts.Node | undefined;
    while (cur) {
      if (isContainer(cur)) {
        found = cur;
        break;
      }
      const cached = this.containerCache.get(cur);
      if (cached) {
        found = cached;
        break;
      }
      path.push(cur);
      cur = cur.parent;
    }
    const result = found ?? this.sf;
    this.containerCache.set(node, result);
    for (const p of path) this.containerCache.set(p, result);
    return result;
  }

  /** The function whose parameters or body declare `decl`, if any. */
  owningFunction(decl: Declaration): FunctionLike | undefined {
    let c: ts.Node = ts.isParameter(decl) ? decl.parent : this.containerOf(decl);
    for (;;) {
      if (isFunctionLike(c)) return c;
      if (c.kind === ts.SyntaxKind.SourceFile) return undefined;
      c = this.containerOf(c);
    }
  }

  /** Resolves `name` as seen from `at` (lexically). */
  resolve(name: string, at: ts.Node): Declaration | undefined {
    let c = this.containerOf(at);
    for (;;) {
      const d = this.declsOf(c).get(name);
      if (d) return d;
      if (c.kind === ts.SyntaxKind.SourceFile) return undefined;
      c = this.containerOf(c);
    }
  }

  private declsOf(container: ts.Node): Map<string, Declaration> {
    let m = this.declCache.get(container);
    if (m) return m;
    m = new Map();
    const map = m;
    const add = (name: ts.BindingName | ts.Identifier | undefined, decl: Declaration) => {
      if (!name) return;
      if (ts.isIdentifier(name)) {
        if (!map.has(name.text)) map.set(name.text, decl);
        return;
      }
      // Binding patterns: walk with an explicit stack.
      const stack: ts.BindingName[] = [name];
      while (stack.length) {
        const b = stack.pop()!;
        if (ts.isIdentifier(b)) {
          if (!map.has(b.text)) map.set(b.text, b.parent);
          continue;
        }
        const els = b.elements as ts.NodeArray<ts.ArrayBindingElement>;
        for (let i = els.length - 1; i >= 0; i--) {
          const el = els[i];
          if (ts.isBindingElement(el)) stack.push(el.name);
        }
      }
    };
    const addList = (list: ts.VariableDeclarationList) => {
      for (const d of list.declarations) add(d.name, d);
    };
    const addStatements = (statements: readonly ts.Statement[]) => {
      for (const s of statements) {
        if (ts.isVariableStatement(s)) addList(s.declarationList);
        else if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) add(s.name, s);
        else if (ts.isModuleDeclaration(s) && ts.isIdentifier(s.name)) add(s.name, s);
        else if (ts.isImportEqualsDeclaration(s)) add(s.name, s);
        else if (ts.isImportDeclaration(s) && s.importClause) {
          const ic = s.importClause;
          add(ic.name, ic);
          const nb = ic.namedBindings;
          if (nb && ts.isNamespaceImport(nb)) add(nb.name, nb);
          else if (nb) for (const sp of nb.elements) add(sp.name, sp);
        }
      }
    };
    if (ts.isSourceFile(container) || ts.isBlock(container) || ts.isModuleBlock(container)) {
      addStatements(container.statements);
    } else if (ts.isCaseBlock(container)) {
      for (const clause of container.clauses) addStatements(clause.statements);
    } else if (ts.isForStatement(container) || ts.isForInStatement(container) || ts.isForOfStatement(container)) {
      const init = container.initializer;
      if (init && ts.isVariableDeclarationList(init)) addList(init);
    } else if (ts.isCatchClause(container)) {
      if (container.variableDeclaration) add(container.variableDeclaration.name, container.variableDeclaration);
    } else if (isFunctionLike(container)) {
      for (const p of container.parameters) add(p.name, p);
      if (ts.isFunctionExpression(container) && container.name) add(container.name, container);
    }
    this.declCache.set(container, map);
    return map;
  }
}
