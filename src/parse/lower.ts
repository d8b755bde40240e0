/**
 * Lowering: the TypeScript compiler's syntax tree → the program IR (src/core/ir.ts).
 *
 * Works on the raw compiler nodes (no ts-morph wrappers) with one explicit work list: each
 * task lowers one syntax node, builds its IR object with empty child slots, hands it to its
 * parent through its slot (a field or element of the parent) and schedules its children. No
 * recursion over the user's tree.
 *
 * TypeScript-only syntax is dropped as `tsc` would (types, `as`, `!`, `satisfies`, generics,
 * interfaces, `declare`, `import type`); enums become frozen objects. Constructs we do not run
 * (generators, async, `eval`, dynamic import, ...) are refused here with their position.
 */
import { ts } from 'ts-morph';
import type { SourceRange } from '../core/expr';
import { GradientLensError } from '../core/errors';
import {
  K,
  type Expr,
  type IrClass,
  type IrFunction,
  type IrProgram,
  type IrTarget,
  type NumExpr,
  type ObjProp,
  type ParamHint,
  type Pattern,
  type Scope,
  type Stmt,
  type VarStmt,
} from '../core/ir';
import { setSizeHint } from '../core/interp/compile';
import { INSTEAD_WORDS, LABEL_MAX, SourceText, kindWords } from './text';

const SK = ts.SyntaxKind;

interface Ctx {
  /** The function (or program) whose `var`s are being collected. */
  vars: Set<string>;
  /** Function nesting depth (0 = top level). */
  depth: number;
  /** Outermost function being lowered (index), when depth > 0. */
  outer: number;
  /** Index of the top-level statement being lowered. */
  top: number;
  /** Input naming: the access path of the value being lowered, when it is bound by a declaration. */
  path?: string;
  /** For a scalar input: the declared name's range. */
  pathAt?: SourceRange;
}

type Role = 'expr' | 'stmt' | 'pat' | 'target' | 'body';
/**
 * Where a lowered node goes: `into[key]`, a field of its parent's IR object or an element of an
 * array (a field and an index instead of a setter closure: no closure and context per node).
 */
interface Slot {
  into: object;
  key: string | number;
}

/** Puts the lowered node `v` in its slot. */
function put(slot: Slot, v: unknown): void {
  (slot.into as Record<string | number, unknown>)[slot.key] = v;
}

interface Task extends Slot {
  n: ts.Node;
  role: Role;
  ctx: Ctx;
  /** Skip the target check (the target wrapper was already made for this node). */
  inTarget?: boolean;
  /** Nesting level of the node's IR (1 = a top-level statement): see IrProgram.depth. */
  level: number;
}

/** Modifiers of a node (the compiler's raw field). */
function hasModifier(n: ts.Node, kind: ts.SyntaxKind): boolean {
  const mods = (n as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers;
  return !!mods && mods.some((m) => m.kind === kind);
}

export function unwrapExpr(node: ts.Expression): ts.Expression {
  for (;;) {
    switch (node.kind) {
      case SK.ParenthesizedExpression:
      case SK.AsExpression:
      case SK.TypeAssertionExpression:
      case SK.NonNullExpression:
      case SK.SatisfiesExpression:
      case SK.ExpressionWithTypeArguments:
        node = (node as ts.ParenthesizedExpression).expression;
        break;
      default:
        return node;
    }
  }
}

function propName(name: ts.PropertyName): string | undefined {
  switch (name.kind) {
    case SK.Identifier:
    case SK.PrivateIdentifier:
      return (name as ts.Identifier).text;
    case SK.StringLiteral:
    case SK.NoSubstitutionTemplateLiteral:
      return (name as ts.StringLiteral).text;
    case SK.NumericLiteral:
      return String(Number((name as ts.NumericLiteral).text));
    default:
      return undefined;
  }
}

/** Names bound by a binding name (iterative). */
export function boundNames(name: ts.BindingName, out: string[]): void {
  const stack: ts.BindingName[] = [name];
  while (stack.length) {
    const b = stack.pop()!;
    if (b.kind === SK.Identifier) {
      out.push((b as ts.Identifier).text);
      continue;
    }
    const els = (b as ts.ObjectBindingPattern | ts.ArrayBindingPattern)
      .elements as ts.NodeArray<ts.ArrayBindingElement>;
    for (let i = els.length - 1; i >= 0; i--) {
      const el = els[i];
      if (el.kind === SK.BindingElement) stack.push((el as ts.BindingElement).name);
    }
  }
}

/** Default length of a free array parameter whose values are not given. */
export const FREE_ARRAY_LENGTH = 3;

/** The shape a type annotation gives a parameter (bounded depth: types are small). */
function typeHint(t: ts.TypeNode, depth: number): ParamHint | undefined {
  if (depth > 6) return undefined;
  switch (t.kind) {
    case SK.NumberKeyword:
      return 0;
    case SK.ParenthesizedType:
      return typeHint((t as ts.ParenthesizedTypeNode).type, depth + 1);
    case SK.TypeOperator:
      return typeHint((t as ts.TypeOperatorNode).type, depth + 1);
    case SK.ArrayType: {
      const e = typeHint((t as ts.ArrayTypeNode).elementType, depth + 1);
      return e === undefined ? undefined : { arr: e, n: FREE_ARRAY_LENGTH };
    }
    case SK.TypeReference: {
      const r = t as ts.TypeReferenceNode;
      const name = r.typeName.kind === SK.Identifier ? (r.typeName as ts.Identifier).text : '';
      if ((name === 'Array' || name === 'ReadonlyArray') && r.typeArguments?.length === 1) {
        const e = typeHint(r.typeArguments[0], depth + 1);
        return e === undefined ? undefined : { arr: e, n: FREE_ARRAY_LENGTH };
      }
      return undefined;
    }
    case SK.TypeLiteral: {
      const obj: Record<string, ParamHint> = {};
      for (const m of (t as ts.TypeLiteralNode).members) {
        if (m.kind !== SK.PropertySignature || !(m as ts.PropertySignature).type) return undefined;
        const key = propName((m as ts.PropertySignature).name);
        const h = typeHint((m as ts.PropertySignature).type!, depth + 1);
        if (key === undefined || h === undefined) return undefined;
        obj[key] = h;
      }
      return { obj };
    }
    default:
      return undefined;
  }
}

const REFUSED_CALLEES: Record<string, string> = {
  eval: 'compute the value in the file itself',
  Function: 'write the function in the file',
  require: 'declare the value in this file',
  setTimeout: 'call the function directly',
  setInterval: 'use a loop',
  fetch: 'put the data in the file as a literal',
};

export class Lowerer {
  readonly functions: IrFunction[] = [];
  readonly classes: IrClass[] = [];
  private readonly fnIndex = new Map<ts.Node, number>();
  private readonly tasks: Task[] = [];
  /** The level of the task being lowered, and the deepest so far (IrProgram.depth). */
  private level = 0;
  private maxLevel = 0;
  /** Expression nodes made (the interpreter's starting capacity: setSizeHint). */
  private exprNodes = 0;
  /** Inputs declared (for unique naming): the NumExpr nodes that are named inputs. */
  readonly inputs: NumExpr[] = [];
  targetStmt = -1;
  targetInFn = -1;
  targetFound = false;
  /** Loop statements with a let-declared init, to check for closures in their bodies later. */
  private readonly forLoops: Array<{ ir: { perIter?: string[] }; names: string[]; start: number; end: number }> = [];
  private readonly fnRanges: number[] = [];

  /** The Tgt wrapper made for each target node. */
  readonly tgts = new Map<ts.Node, Expr>();
  /** Per target node: the outermost function it is in (-1: top level) and its top-level statement. */
  readonly tgtPlace = new Map<ts.Node, { fn: number; stmt: number }>();

  constructor(
    private readonly src: SourceText,
    private readonly targets: ReadonlySet<ts.Node>,
    private readonly globalsShadowed: (name: string, at: ts.Node) => boolean,
  ) {}

  // ---- helpers ----

  private range(n: ts.Node): SourceRange {
    return this.src.range(n);
  }

  private label(n: ts.Node): string {
    return this.src.abbrev(n, LABEL_MAX);
  }

  private refuse(n: ts.Node, what: string, instead: string): GradientLensError {
    return this.src.error(
      'unsupported',
      `Unsupported: ${what} ${this.src.quote(n)} at ${this.src.pos(n)}${instead ? `: ${instead}` : ''}`,
      n,
    );
  }

  /**
   * A property name as a key. Private names (`#p`) are stored under their text `#p`, kept out of
   * Object.keys, spread and the like; a string key starting with '#' would be taken for one.
   */
  private key(name: ts.PropertyName): string | undefined {
    const key = propName(name);
    if (key?.startsWith('#') && name.kind !== SK.PrivateIdentifier)
      throw this.refuse(
        name,
        "a property name starting with '#'",
        'rename the key (such names are kept for #private fields)',
      );
    return key;
  }

  private unsupported(n: ts.Node): GradientLensError {
    return this.src.error(
      'unsupported',
      `Unsupported syntax: ${kindWords(n)} ${this.src.quote(n)} at ${this.src.pos(n)}: ${INSTEAD_WORDS}`,
      n,
    );
  }

  private push(n: ts.Node, role: Role, into: object, key: string | number, ctx: Ctx): void {
    this.tasks.push({ n, role, into, key, ctx, level: this.level + 1 });
  }

  /** Scope of a statement list: lexical names, consts, hoisted function declarations. */
  private scopeOf(statements: readonly ts.Statement[], into: Scope): void {
    const lex: string[] = [];
    const consts: string[] = [];
    const funs: Array<[string, number]> = [];
    for (const s of statements) {
      if (s.kind === SK.VariableStatement) {
        const list = (s as ts.VariableStatement).declarationList;
        const flags = list.flags;
        if (!(flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) continue;
        if (hasModifier(s, SK.DeclareKeyword)) continue;
        const names: string[] = [];
        for (const d of list.declarations) boundNames(d.name, names);
        lex.push(...names);
        if (flags & ts.NodeFlags.Const) consts.push(...names);
      } else if (s.kind === SK.FunctionDeclaration) {
        const f = s as ts.FunctionDeclaration;
        if (!f.body || !f.name || hasModifier(f, SK.DeclareKeyword)) continue;
        if (s.parent?.kind === SK.SourceFile && this.src.syntaxErrorInNode(s)) continue;
        funs.push([f.name.text, this.reserveFunction(f)]);
      } else if (s.kind === SK.ClassDeclaration) {
        const c = s as ts.ClassDeclaration;
        if (c.name && !hasModifier(c, SK.DeclareKeyword)) lex.push(c.name.text);
      } else if (s.kind === SK.EnumDeclaration) {
        const e = s as ts.EnumDeclaration;
        if (!hasModifier(e, SK.DeclareKeyword)) {
          lex.push(e.name.text);
          consts.push(e.name.text);
        }
      }
    }
    if (lex.length) into.lex = lex;
    if (consts.length) into.consts = consts;
    if (funs.length) into.funs = funs;
  }

  private reserveFunction(f: ts.Node): number {
    let i = this.fnIndex.get(f);
    if (i === undefined) {
      i = this.functions.length;
      this.functions.push(undefined as unknown as IrFunction);
      this.fnIndex.set(f, i);
    }
    return i;
  }

  functionIndex(f: ts.Node): number | undefined {
    return this.fnIndex.get(f);
  }

  // ---- entry ----

  lowerFile(sf: ts.SourceFile): IrProgram {
    const vars = new Set<string>();
    const prog: IrProgram = { body: [], functions: this.functions, classes: this.classes, fileName: this.src.fileName };
    this.scopeOf(sf.statements, prog);
    const body: Stmt[] = new Array(sf.statements.length);
    for (let i = sf.statements.length - 1; i >= 0; i--) {
      this.push(sf.statements[i], 'stmt', body, i, {
        vars,
        depth: 0,
        outer: -1,
        top: i,
      });
    }
    this.run();
    prog.body = body;
    prog.depth = this.maxLevel;
    // The interpreter's first run starts with room for a node per expression (a straight-line
    // program records about that many) instead of doubling its arrays up to it.
    setSizeHint(prog, this.exprNodes, this.exprNodes, this.exprNodes);
    if (vars.size) prog.vars = [...vars];
    // A `for (let ...)` that makes closures (in its initializer, test, update or body) gets fresh
    // bindings per iteration.
    const fr = this.fnRanges;
    for (const f of this.forLoops) {
      for (let k = 0; k < fr.length; k += 2) {
        if (fr[k] >= f.start && fr[k + 1] <= f.end) {
          f.ir.perIter = f.names;
          break;
        }
      }
    }
    return prog;
  }

  private run(): void {
    const tasks = this.tasks;
    while (tasks.length) {
      const t = tasks.pop()!;
      this.level = t.level;
      if (t.level > this.maxLevel) this.maxLevel = t.level;
      if (!t.inTarget && this.targets.has(t.n)) {
        this.targetFound = true;
        this.targetStmt = t.ctx.top;
        this.targetInFn = t.ctx.depth > 0 ? t.ctx.outer : -1;
        this.tgtPlace.set(t.n, { fn: this.targetInFn, stmt: this.targetStmt });
        if (t.role === 'expr') {
          const tg = { k: K.Tgt, r: this.range(t.n), a: undefined as unknown as Expr };
          this.tgts.set(t.n, tg as Expr);
          put(t, tg);
          tasks.push({ ...t, into: tg, key: 'a', inTarget: true });
          continue;
        }
      }
      switch (t.role) {
        case 'expr':
          this.expr(t.n as ts.Expression, t, t.ctx);
          break;
        case 'stmt':
          this.stmt(t.n as ts.Statement, t, t.ctx);
          break;
        case 'pat':
          this.pattern(t.n, t, t.ctx);
          break;
        default:
          throw new Error(`internal: role ${t.role}`);
      }
    }
  }

  // ---- expressions ----

  private expr(n0: ts.Expression, slot: Slot, ctx: Ctx): void {
    const n = unwrapExpr(n0);
    if (n !== n0 && this.targets.has(n)) {
      this.push(n, 'expr', slot.into, slot.key, ctx);
      return;
    }
    this.exprNodes++;
    const r = this.range(n);
    const sub = ctx.path === undefined ? ctx : { ...ctx, path: undefined, pathAt: undefined };
    switch (n.kind) {
      case SK.NumericLiteral: {
        const e: NumExpr = { k: K.Num, r, v: Number((n as ts.NumericLiteral).text), t: this.label(n) };
        this.named(e, ctx);
        put(slot, e);
        return;
      }
      case SK.BigIntLiteral:
        throw this.refuse(n, 'bigint literal', 'use a number');
      case SK.StringLiteral:
      case SK.NoSubstitutionTemplateLiteral:
        put(slot, { k: K.Str, r, v: (n as ts.StringLiteral).text });
        return;
      case SK.TemplateExpression: {
        const te = n as ts.TemplateExpression;
        const quasis = [te.head.text, ...te.templateSpans.map((s) => s.literal.text)];
        const exprs: Expr[] = new Array(te.templateSpans.length);
        put(slot, { k: K.Template, r, quasis, exprs });
        te.templateSpans.forEach((s, i) => this.push(s.expression, 'expr', exprs, i, sub));
        return;
      }
      case SK.TrueKeyword:
      case SK.FalseKeyword:
        put(slot, { k: K.Bool, r, v: n.kind === SK.TrueKeyword });
        return;
      case SK.NullKeyword:
        put(slot, { k: K.Null, r });
        return;
      case SK.Identifier: {
        const name = (n as ts.Identifier).text;
        if (name === '') throw this.src.error('syntax', `Syntax error: expression expected at ${this.src.pos(n)}`, n);
        if ((name === 'Infinity' || name === 'NaN') && ctx.path !== undefined && !this.globalsShadowed(name, n)) {
          const e: NumExpr = { k: K.Num, r, v: name === 'NaN' ? NaN : Infinity, t: name };
          this.named(e, ctx);
          put(slot, e);
          return;
        }
        put(slot, { k: K.Ident, r, name });
        return;
      }
      case SK.ThisKeyword:
        put(slot, { k: K.This, r });
        return;
      case SK.PrefixUnaryExpression: {
        const u = n as ts.PrefixUnaryExpression;
        const operand = unwrapExpr(u.operand);
        if ((u.operator === SK.MinusToken || u.operator === SK.PlusToken) && operand.kind === SK.NumericLiteral) {
          const v = Number((operand as ts.NumericLiteral).text);
          const e: NumExpr = { k: K.Num, r, v: u.operator === SK.MinusToken ? -v : v, t: this.label(n) };
          this.named(e, ctx);
          put(slot, e);
          return;
        }
        if (
          u.operator === SK.MinusToken &&
          operand.kind === SK.Identifier &&
          (operand as ts.Identifier).text === 'Infinity' &&
          ctx.path !== undefined &&
          !this.globalsShadowed('Infinity', operand)
        ) {
          const e: NumExpr = { k: K.Num, r, v: -Infinity, t: this.label(n) };
          this.named(e, ctx);
          put(slot, e);
          return;
        }
        if (u.operator === SK.PlusPlusToken || u.operator === SK.MinusMinusToken) {
          const e = {
            k: K.Update,
            r,
            op: u.operator === SK.PlusPlusToken ? '++' : '--',
            prefix: true,
            target: undefined as unknown as Pattern,
            t: this.label(n),
          } as const;
          put(slot, e as unknown as Expr);
          this.push(u.operand, 'pat', e, 'target', sub);
          return;
        }
        const op =
          u.operator === SK.MinusToken
            ? '-'
            : u.operator === SK.PlusToken
              ? '+'
              : u.operator === SK.ExclamationToken
                ? '!'
                : u.operator === SK.TildeToken
                  ? '~'
                  : '';
        if (!op) throw this.unsupported(n);
        const e = { k: K.Unary, r, op, a: undefined as unknown as Expr, t: this.label(n) };
        put(slot, e as Expr);
        this.push(u.operand, 'expr', e, 'a', sub);
        return;
      }
      case SK.PostfixUnaryExpression: {
        const u = n as ts.PostfixUnaryExpression;
        const e = {
          k: K.Update,
          r,
          op: u.operator === SK.PlusPlusToken ? '++' : '--',
          prefix: false,
          target: undefined as unknown as Pattern,
          t: this.label(n),
        };
        put(slot, e as Expr);
        this.push(u.operand, 'pat', e, 'target', sub);
        return;
      }
      case SK.TypeOfExpression:
      case SK.VoidExpression: {
        const e = {
          k: K.Unary,
          r,
          op: n.kind === SK.TypeOfExpression ? 'typeof' : 'void',
          a: undefined as unknown as Expr,
          t: this.label(n),
        };
        put(slot, e as Expr);
        this.push((n as ts.TypeOfExpression).expression, 'expr', e, 'a', sub);
        return;
      }
      case SK.BinaryExpression:
        this.binary(n as ts.BinaryExpression, r, slot, sub);
        return;
      case SK.ConditionalExpression: {
        const c = n as ts.ConditionalExpression;
        const e = { k: K.Cond, r, t: this.label(c) } as {
          k: K.Cond;
          r: SourceRange;
          c: Expr;
          a: Expr;
          b: Expr;
          t: string;
        };
        put(slot, e);
        this.push(c.whenFalse, 'expr', e, 'b', sub);
        this.push(c.whenTrue, 'expr', e, 'a', sub);
        this.push(c.condition, 'expr', e, 'c', sub);
        return;
      }
      case SK.CallExpression:
        this.call(n as ts.CallExpression, r, slot, sub);
        return;
      case SK.NewExpression: {
        const ne = n as ts.NewExpression;
        const callee = unwrapExpr(ne.expression);
        if (callee.kind === SK.Identifier) {
          const name = (callee as ts.Identifier).text;
          if (
            (name === 'Function' || name === 'Date' || name === 'Promise' || name === 'Worker') &&
            !this.globalsShadowed(name, callee)
          )
            throw this.refuse(
              n,
              `'new ${name}'`,
              name === 'Date' ? 'the clock is not available; use a number' : 'write the code in the file',
            );
        }
        const args = ne.arguments ?? ts.factory.createNodeArray<ts.Expression>();
        const e = {
          k: K.New,
          r,
          f: undefined as unknown as Expr,
          args: new Array<Expr>(args.length),
          t: this.label(n),
        };
        put(slot, e as Expr);
        this.exprList(args, e.args, sub);
        this.push(ne.expression, 'expr', e, 'f', sub);
        return;
      }
      case SK.PropertyAccessExpression: {
        const p = n as ts.PropertyAccessExpression;
        if (p.expression.kind === SK.SuperKeyword) {
          put(slot, { k: K.SuperMember, r, name: p.name.text, t: this.label(n) });
          return;
        }
        const e = { k: K.Member, r, o: undefined as unknown as Expr, name: p.name.text, t: this.label(n) } as {
          k: K.Member;
          r: SourceRange;
          o: Expr;
          name: string;
          t: string;
          opt?: boolean;
        };
        optionalChain(n, p.questionDotToken !== undefined, e);
        put(slot, e);
        this.push(p.expression, 'expr', e, 'o', sub);
        return;
      }
      case SK.ElementAccessExpression: {
        const p = n as ts.ElementAccessExpression;
        if (p.expression.kind === SK.SuperKeyword) throw this.unsupported(n);
        const e = { k: K.Index, r, t: this.label(n) } as {
          k: K.Index;
          r: SourceRange;
          o: Expr;
          i: Expr;
          t: string;
          opt?: boolean;
        };
        optionalChain(n, p.questionDotToken !== undefined, e);
        put(slot, e);
        this.push(p.argumentExpression, 'expr', e, 'i', sub);
        this.push(p.expression, 'expr', e, 'o', sub);
        return;
      }
      case SK.ArrayLiteralExpression: {
        const a = n as ts.ArrayLiteralExpression;
        const items: Expr[] = new Array(a.elements.length);
        put(slot, { k: K.Arr, r, items, t: this.label(n) });
        let naming = ctx.path !== undefined;
        a.elements.forEach((el, i) => {
          if (el.kind === SK.SpreadElement) naming = false;
          const c = naming ? { ...ctx, path: `${ctx.path}[${i}]`, pathAt: undefined } : sub;
          this.push(el, 'expr', items, i, c);
        });
        return;
      }
      case SK.SpreadElement: {
        const e = { k: K.Spread, r, a: undefined as unknown as Expr };
        put(slot, e as Expr);
        this.push((n as ts.SpreadElement).expression, 'expr', e, 'a', sub);
        return;
      }
      case SK.OmittedExpression:
        put(slot, { k: K.Hole, r });
        return;
      case SK.ObjectLiteralExpression:
        this.object(n as ts.ObjectLiteralExpression, r, slot, ctx, sub);
        return;
      case SK.ArrowFunction:
      case SK.FunctionExpression: {
        const fi = this.lowerFunction(n as ts.FunctionLikeDeclaration, ctx);
        put(slot, { k: K.Fn, r, fn: fi });
        return;
      }
      case SK.ClassExpression: {
        const ci = this.lowerClass(n as ts.ClassExpression, ctx);
        put(slot, { k: K.Class, r, cls: ci });
        return;
      }
      case SK.AwaitExpression:
        throw this.refuse(n, "'await'", 'write synchronous code: async functions are not run');
      case SK.YieldExpression:
        throw this.refuse(n, "'yield'", 'generators are not run; build an array instead');
      case SK.DeleteExpression:
        throw this.refuse(n, "'delete'", 'build a new object instead');
      case SK.RegularExpressionLiteral:
        throw this.refuse(n, 'regular expression', 'only numbers, arrays, objects, strings and booleans are computed');
      case SK.TaggedTemplateExpression:
        throw this.refuse(n, 'tagged template', '');
      case SK.MetaProperty:
        throw this.refuse(n, 'meta property', '');
      case SK.ImportKeyword:
        throw this.refuse(n, "dynamic 'import()'", 'declare the values in this file');
      default:
        throw this.unsupported(n);
    }
  }

  /**
   * An operand lowered at once, without a task, when it is a plain numeric literal or name that
   * is not a target and not a named input (ctx.path unset): the IR object `expr` would make for
   * it, made with nothing else to do (no error possible, no input recorded), so the order of the
   * work does not matter. Undefined otherwise (the caller pushes a task). Saves a task and a
   * setter closure per operand: `1 + 1 + ...` has 20,000 of them.
   */
  private leafNow(n: ts.Expression, ctx: Ctx): Expr | undefined {
    if (ctx.path !== undefined || (n.kind !== SK.NumericLiteral && n.kind !== SK.Identifier)) return undefined;
    if (this.targets.has(n)) return undefined;
    let e: Expr;
    if (n.kind === SK.NumericLiteral) {
      e = { k: K.Num, r: this.range(n), v: Number((n as ts.NumericLiteral).text), t: this.label(n) };
    } else {
      const name = (n as ts.Identifier).text;
      if (name === '') return undefined;
      e = { k: K.Ident, r: this.range(n), name };
    }
    // The level its task would have had (IrProgram.depth).
    if (this.level + 1 > this.maxLevel) this.maxLevel = this.level + 1;
    this.exprNodes++;
    return e;
  }

  private named(e: NumExpr, ctx: Ctx): void {
    if (ctx.path === undefined) return;
    e.input = ctx.path;
    e.ir = ctx.pathAt ?? e.r;
    this.inputs.push(e);
  }

  private exprList(list: readonly ts.Expression[], into: Expr[], ctx: Ctx): void {
    for (let i = list.length - 1; i >= 0; i--) this.push(list[i], 'expr', into, i, ctx);
  }

  private binary(b: ts.BinaryExpression, r: SourceRange, slot: Slot, ctx: Ctx): void {
    const k = b.operatorToken.kind;
    const opText = ts.tokenToString(k) ?? '';
    switch (k) {
      case SK.PlusToken:
      case SK.MinusToken:
      case SK.AsteriskToken:
      case SK.SlashToken:
      case SK.PercentToken:
      case SK.AsteriskAsteriskToken:
      case SK.LessThanToken:
      case SK.LessThanEqualsToken:
      case SK.GreaterThanToken:
      case SK.GreaterThanEqualsToken:
      case SK.EqualsEqualsEqualsToken:
      case SK.ExclamationEqualsEqualsToken:
      case SK.EqualsEqualsToken:
      case SK.ExclamationEqualsToken:
      case SK.InKeyword:
      case SK.InstanceOfKeyword:
      case SK.AmpersandToken:
      case SK.BarToken:
      case SK.CaretToken:
      case SK.LessThanLessThanToken:
      case SK.GreaterThanGreaterThanToken:
      case SK.GreaterThanGreaterThanGreaterThanToken: {
        // All fields at once (one object of its final shape), in the order they had when the
        // operands were set later: k, r, op, t, a, b.
        const e = {
          k: K.Bin,
          r,
          op: opText,
          t: this.label(b),
          a: undefined as unknown as Expr,
          b: undefined as unknown as Expr,
        } as { k: K.Bin; r: SourceRange; op: string; a: Expr; b: Expr; t: string };
        put(slot, e);
        const right = this.leafNow(b.right, ctx);
        if (right) e.b = right;
        else this.push(b.right, 'expr', e, 'b', ctx);
        const left = this.leafNow(b.left, ctx);
        if (left) e.a = left;
        else this.push(b.left, 'expr', e, 'a', ctx);
        return;
      }
      case SK.AmpersandAmpersandToken:
      case SK.BarBarToken:
      case SK.QuestionQuestionToken: {
        const e = { k: K.Logic, r, op: opText } as { k: K.Logic; r: SourceRange; op: '&&'; a: Expr; b: Expr };
        put(slot, e);
        this.push(b.right, 'expr', e, 'b', ctx);
        this.push(b.left, 'expr', e, 'a', ctx);
        return;
      }
      case SK.CommaToken: {
        const items: Expr[] = [];
        // a, b, c is left-nested: flatten iteratively.
        const parts: ts.Expression[] = [];
        let cur: ts.Expression = b;
        while (cur.kind === SK.BinaryExpression && (cur as ts.BinaryExpression).operatorToken.kind === SK.CommaToken) {
          parts.push((cur as ts.BinaryExpression).right);
          cur = unwrapExpr((cur as ts.BinaryExpression).left);
        }
        parts.push(cur);
        parts.reverse();
        items.length = parts.length;
        put(slot, { k: K.Seq, r, items });
        this.exprList(parts, items, ctx);
        return;
      }
      default:
        if (
          k === SK.EqualsToken ||
          k === SK.PlusEqualsToken ||
          k === SK.MinusEqualsToken ||
          k === SK.AsteriskEqualsToken ||
          k === SK.SlashEqualsToken ||
          k === SK.PercentEqualsToken ||
          k === SK.AsteriskAsteriskEqualsToken ||
          k === SK.AmpersandAmpersandEqualsToken ||
          k === SK.BarBarEqualsToken ||
          k === SK.QuestionQuestionEqualsToken ||
          k === SK.AmpersandEqualsToken ||
          k === SK.BarEqualsToken ||
          k === SK.CaretEqualsToken ||
          k === SK.LessThanLessThanEqualsToken ||
          k === SK.GreaterThanGreaterThanEqualsToken ||
          k === SK.GreaterThanGreaterThanGreaterThanEqualsToken
        ) {
          const e = { k: K.Assign, r, op: opText, t: this.label(b) } as {
            k: K.Assign;
            r: SourceRange;
            op: string;
            target: Pattern;
            v: Expr;
            t: string;
          };
          put(slot, e);
          this.push(b.right, 'expr', e, 'v', ctx);
          this.push(b.left, 'pat', e, 'target', ctx);
          return;
        }
        throw this.unsupported(b);
    }
  }

  private call(c: ts.CallExpression, r: SourceRange, slot: Slot, ctx: Ctx): void {
    const callee = unwrapExpr(c.expression);
    if (callee.kind === SK.ImportKeyword) throw this.refuse(c, "dynamic 'import()'", 'declare the values in this file');
    if (callee.kind === SK.Identifier) {
      const name = (callee as ts.Identifier).text;
      const instead = Object.prototype.hasOwnProperty.call(REFUSED_CALLEES, name) ? REFUSED_CALLEES[name] : undefined;
      if (instead !== undefined && !this.globalsShadowed(name, callee))
        throw this.refuse(c, `call of '${name}'`, instead);
    }
    if (callee.kind === SK.SuperKeyword) {
      const e = { k: K.SuperCall, r, args: new Array<Expr>(c.arguments.length), t: this.label(c) };
      put(slot, e as Expr);
      this.exprList(c.arguments, e.args, ctx);
      return;
    }
    const e = {
      k: K.Call,
      r,
      f: undefined as unknown as Expr,
      args: new Array<Expr>(c.arguments.length),
      t: this.label(c),
    } as {
      k: K.Call;
      r: SourceRange;
      f: Expr;
      args: Expr[];
      t: string;
      opt?: boolean;
    };
    optionalChain(c, c.questionDotToken !== undefined, e);
    put(slot, e);
    this.exprList(c.arguments, e.args, ctx);
    this.push(c.expression, 'expr', e, 'f', ctx);
  }

  private object(o: ts.ObjectLiteralExpression, r: SourceRange, slot: Slot, ctx: Ctx, sub: Ctx): void {
    const props: ObjProp[] = new Array(o.properties.length);
    put(slot, { k: K.Obj, r, props, t: this.label(o) });
    let naming = ctx.path !== undefined;
    o.properties.forEach((p, i) => {
      switch (p.kind) {
        case SK.PropertyAssignment: {
          const pa = p as ts.PropertyAssignment;
          const key = this.key(pa.name);
          const prop = { kind: 'init', key: key ?? '', v: undefined as unknown as Expr } as ObjProp & { kind: 'init' };
          props[i] = prop;
          const c = naming && key !== undefined ? { ...ctx, path: `${ctx.path}.${key}`, pathAt: undefined } : sub;
          this.push(pa.initializer, 'expr', prop, 'v', c);
          if (key === undefined) {
            const cn = pa.name as ts.ComputedPropertyName;
            this.push(cn.expression, 'expr', prop, 'key', sub);
          }
          return;
        }
        case SK.ShorthandPropertyAssignment: {
          const sp = p as ts.ShorthandPropertyAssignment;
          props[i] = { kind: 'init', key: sp.name.text, v: { k: K.Ident, r: this.range(sp.name), name: sp.name.text } };
          return;
        }
        case SK.SpreadAssignment: {
          naming = false;
          const prop = { kind: 'spread', v: undefined as unknown as Expr } as ObjProp & { kind: 'spread' };
          props[i] = prop;
          this.push((p as ts.SpreadAssignment).expression, 'expr', prop, 'v', sub);
          return;
        }
        case SK.MethodDeclaration:
        case SK.GetAccessor:
        case SK.SetAccessor: {
          const m = p as ts.MethodDeclaration;
          const key = this.key(m.name);
          const fi = this.lowerFunction(m, ctx);
          const kind = p.kind === SK.GetAccessor ? 'get' : p.kind === SK.SetAccessor ? 'set' : 'init';
          const prop = (
            kind === 'init'
              ? { kind, key: key ?? '', v: { k: K.Fn, r: this.range(m), fn: fi } }
              : { kind, key: key ?? '', fn: fi }
          ) as ObjProp;
          props[i] = prop;
          if (key === undefined) {
            this.push((m.name as ts.ComputedPropertyName).expression, 'expr', prop, 'key', sub);
          }
          return;
        }
        default:
          throw this.unsupported(p);
      }
    });
  }

  // ---- functions and classes ----

  private inferName(n: ts.Node): string {
    const named = (n as { name?: ts.PropertyName }).name;
    if (named) return propName(named) ?? '(computed)';
    let p = n.parent;
    while (
      p &&
      (p.kind === SK.ParenthesizedExpression ||
        p.kind === SK.AsExpression ||
        p.kind === SK.SatisfiesExpression ||
        p.kind === SK.NonNullExpression)
    )
      p = p.parent;
    if (
      p &&
      (p.kind === SK.VariableDeclaration || p.kind === SK.PropertyAssignment || p.kind === SK.PropertyDeclaration)
    ) {
      const nm = (p as ts.VariableDeclaration).name;
      if (nm.kind === SK.Identifier) return (nm as ts.Identifier).text;
      const s = propName(nm as unknown as ts.PropertyName);
      if (s) return s;
    }
    if (p && p.kind === SK.BinaryExpression) {
      const left = (p as ts.BinaryExpression).left;
      if (left.kind === SK.Identifier) return (left as ts.Identifier).text;
      if (left.kind === SK.PropertyAccessExpression) return (left as ts.PropertyAccessExpression).name.text;
    }
    return '(anonymous)';
  }

  /** Lowers a function-like node; its body is scheduled. Returns its index. */
  lowerFunction(f: ts.FunctionLikeDeclaration, ctx: Ctx): number {
    if (f.asteriskToken) throw this.refuse(f, 'generator function', 'return an array instead');
    if (hasModifier(f, SK.AsyncKeyword)) throw this.refuse(f, 'async function', 'write a synchronous function');
    const idx = this.reserveFunction(f);
    this.fnRanges.push(f.pos, f.end);
    const arrow = f.kind === SK.ArrowFunction;
    const params = f.parameters.filter(
      (p) => !(p.name.kind === SK.Identifier && (p.name as ts.Identifier).text === 'this'),
    );
    let head = this.src.text.slice(this.src.start(f), f.body ? this.src.start(f.body) : f.end);
    head = head
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\s*=>$/, '')
      .replace(/\s*\{$/, '');
    if (head.length > 80) head = head.slice(0, 79) + '…';
    const fn: IrFunction = {
      name: this.inferName(f),
      params: new Array(params.length),
      arrow,
      r: this.range(f),
      t: head,
    };
    if (f.kind === SK.FunctionExpression && f.name) fn.selfName = f.name.text;
    this.functions[idx] = fn;
    const vars = new Set<string>();
    const inner: Ctx = { vars, depth: ctx.depth + 1, outer: ctx.depth === 0 ? idx : ctx.outer, top: ctx.top };
    const body = f.body;
    // Scheduled in reverse: the body is lowered after the parameters.
    if (body && body.kind === SK.Block) {
      const stmts = (body as ts.Block).statements;
      this.scopeOf(stmts, fn);
      const out: Stmt[] = new Array(stmts.length);
      fn.body = out;
      // The body's `var`s are known once it is lowered.
      this.deferred.push(() => {
        if (vars.size) fn.vars = [...vars];
      });
      for (let i = stmts.length - 1; i >= 0; i--) this.push(stmts[i], 'stmt', out, i, inner);
    } else if (body) {
      this.push(body, 'expr', fn, 'expr', inner);
    } else {
      fn.body = [];
    }
    params.forEach((p, i) => {
      if (p.dotDotDotToken && p.initializer) throw this.unsupported(p);
      const param = { p: undefined as unknown as Pattern } as IrFunction['params'][number];
      if (p.dotDotDotToken) param.rest = true;
      if (p.type && !p.dotDotDotToken) {
        const hint = typeHint(p.type, 0);
        if (hint !== undefined && hint !== 0) param.hint = hint;
      }
      if (p.questionToken) param.opt = true;
      fn.params[i] = param;
      if (p.initializer) this.push(p.initializer, 'expr', param, 'd', inner);
      this.push(p.name, 'pat', param, 'p', inner);
    });
    return idx;
  }

  /** Work to do after the whole file is lowered. */
  readonly deferred: Array<() => void> = [];

  private lowerClass(c: ts.ClassLikeDeclaration, ctx: Ctx): number {
    const idx = this.classes.length;
    const cls: IrClass = { name: c.name?.text ?? this.inferName(c), members: [], r: this.range(c) };
    this.classes.push(cls);
    const sub: Ctx = { ...ctx, path: undefined, pathAt: undefined };
    const ext = c.heritageClauses?.find((h) => h.token === SK.ExtendsKeyword);
    if (ext && ext.types.length) this.push(ext.types[0].expression, 'expr', cls, 'ext', sub);
    for (const m of c.members) {
      if (hasModifier(m, SK.DeclareKeyword) || hasModifier(m, SK.AbstractKeyword)) continue;
      const isStatic = hasModifier(m, SK.StaticKeyword);
      switch (m.kind) {
        case SK.Constructor: {
          const ctor = m as ts.ConstructorDeclaration;
          if (!ctor.body) continue;
          cls.ctor = this.lowerFunction(ctor, sub);
          const fn = this.functions[cls.ctor];
          fn.name = cls.name;
          // Parameter properties: constructor(public w: number) → this.w = w.
          const pp = ctor.parameters.filter((p) =>
            ((p as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers ?? []).some(
              (mod) =>
                mod.kind === SK.PublicKeyword ||
                mod.kind === SK.PrivateKeyword ||
                mod.kind === SK.ProtectedKeyword ||
                mod.kind === SK.ReadonlyKeyword,
            ),
          );
          if (pp.length)
            (fn as IrFunction & { paramProps?: string[] }).paramProps = pp.map((p) => (p.name as ts.Identifier).text);
          break;
        }
        case SK.MethodDeclaration:
        case SK.GetAccessor:
        case SK.SetAccessor: {
          const md = m as ts.MethodDeclaration;
          if (!md.body) continue;
          const key = this.key(md.name);
          const member = {
            key: key ?? '',
            static: isStatic,
            kind: m.kind === SK.GetAccessor ? 'get' : m.kind === SK.SetAccessor ? 'set' : 'method',
            fn: this.lowerFunction(md, sub),
            r: this.range(m),
          } as IrClass['members'][number];
          cls.members.push(member);
          if (key === undefined) this.push((md.name as ts.ComputedPropertyName).expression, 'expr', member, 'key', sub);
          break;
        }
        case SK.PropertyDeclaration: {
          const pd = m as ts.PropertyDeclaration;
          const key = this.key(pd.name);
          const member = {
            key: key ?? '',
            static: isStatic,
            kind: 'field',
            r: this.range(m),
          } as IrClass['members'][number];
          cls.members.push(member);
          if (pd.initializer) {
            // Field initializers run with `this` = the instance: lower them as arrow bodies.
            this.push(pd.initializer, 'expr', member, 'v', {
              ...sub,
              depth: sub.depth + 1,
              outer: sub.depth === 0 ? -1 : sub.outer,
            });
          }
          if (key === undefined) this.push((pd.name as ts.ComputedPropertyName).expression, 'expr', member, 'key', sub);
          break;
        }
        case SK.SemicolonClassElement:
        case SK.IndexSignature:
          break;
        case SK.ClassStaticBlockDeclaration:
          throw this.unsupported(m);
        default:
          throw this.unsupported(m);
      }
    }
    return idx;
  }

  // ---- patterns ----

  private pattern(n: ts.Node, slot: Slot, ctx: Ctx): void {
    const r = this.range(n);
    switch (n.kind) {
      case SK.Identifier:
        put(slot, { k: K.PId, r, name: (n as ts.Identifier).text });
        return;
      case SK.ParenthesizedExpression:
      case SK.AsExpression:
      case SK.NonNullExpression:
      case SK.SatisfiesExpression:
      case SK.TypeAssertionExpression:
        this.push((n as ts.ParenthesizedExpression).expression, 'pat', slot.into, slot.key, ctx);
        return;
      case SK.PropertyAccessExpression:
      case SK.ElementAccessExpression: {
        const p = { k: K.PExpr, r, e: undefined as unknown as Expr } as { k: K.PExpr; r: SourceRange; e: Expr };
        put(slot, p as Pattern);
        this.push(n, 'expr', p, 'e', ctx);
        return;
      }
      case SK.ObjectBindingPattern: {
        const b = n as ts.ObjectBindingPattern;
        const p = { k: K.PObj, r, props: [] as Array<{ key: string | Expr; p: Pattern; d?: Expr }> } as {
          k: K.PObj;
          r: SourceRange;
          props: Array<{ key: string | Expr; p: Pattern; d?: Expr }>;
          rest?: Pattern;
        };
        put(slot, p);
        for (const el of b.elements) {
          if (el.dotDotDotToken) {
            this.push(el.name, 'pat', p, 'rest', ctx);
            continue;
          }
          const keyNode = el.propertyName ?? (el.name as ts.Identifier);
          const key = this.key(keyNode as ts.PropertyName);
          const prop = { key: key ?? '', p: undefined as unknown as Pattern } as {
            key: string | Expr;
            p: Pattern;
            d?: Expr;
          };
          p.props.push(prop);
          if (key === undefined) this.push((keyNode as ts.ComputedPropertyName).expression, 'expr', prop, 'key', ctx);
          if (el.initializer) this.push(el.initializer, 'expr', prop, 'd', ctx);
          this.push(el.name, 'pat', prop, 'p', ctx);
        }
        return;
      }
      case SK.ArrayBindingPattern: {
        const b = n as ts.ArrayBindingPattern;
        const p = { k: K.PArr, r, elems: [] as Array<{ p: Pattern; d?: Expr } | null> } as {
          k: K.PArr;
          r: SourceRange;
          elems: Array<{ p: Pattern; d?: Expr } | null>;
          rest?: Pattern;
        };
        put(slot, p);
        for (const el of b.elements) {
          if (el.kind === SK.OmittedExpression) {
            p.elems.push(null);
            continue;
          }
          if (el.dotDotDotToken) {
            this.push(el.name, 'pat', p, 'rest', ctx);
            continue;
          }
          const item = { p: undefined as unknown as Pattern } as { p: Pattern; d?: Expr };
          p.elems.push(item);
          if (el.initializer) this.push(el.initializer, 'expr', item, 'd', ctx);
          this.push(el.name, 'pat', item, 'p', ctx);
        }
        return;
      }
      case SK.ArrayLiteralExpression: {
        const a = n as ts.ArrayLiteralExpression;
        const p = { k: K.PArr, r, elems: [] as Array<{ p: Pattern; d?: Expr } | null> } as {
          k: K.PArr;
          r: SourceRange;
          elems: Array<{ p: Pattern; d?: Expr } | null>;
          rest?: Pattern;
        };
        put(slot, p);
        for (const el0 of a.elements) {
          const el = unwrapExpr(el0);
          if (el.kind === SK.OmittedExpression) {
            p.elems.push(null);
          } else if (el.kind === SK.SpreadElement) {
            this.push((el as ts.SpreadElement).expression, 'pat', p, 'rest', ctx);
          } else {
            const item = { p: undefined as unknown as Pattern } as { p: Pattern; d?: Expr };
            p.elems.push(item);
            if (el.kind === SK.BinaryExpression && (el as ts.BinaryExpression).operatorToken.kind === SK.EqualsToken) {
              this.push((el as ts.BinaryExpression).right, 'expr', item, 'd', ctx);
              this.push((el as ts.BinaryExpression).left, 'pat', item, 'p', ctx);
            } else {
              this.push(el, 'pat', item, 'p', ctx);
            }
          }
        }
        return;
      }
      case SK.ObjectLiteralExpression: {
        const o = n as ts.ObjectLiteralExpression;
        const p = { k: K.PObj, r, props: [] as Array<{ key: string | Expr; p: Pattern; d?: Expr }> } as {
          k: K.PObj;
          r: SourceRange;
          props: Array<{ key: string | Expr; p: Pattern; d?: Expr }>;
          rest?: Pattern;
        };
        put(slot, p);
        for (const el of o.properties) {
          if (el.kind === SK.SpreadAssignment) {
            this.push((el as ts.SpreadAssignment).expression, 'pat', p, 'rest', ctx);
          } else if (el.kind === SK.ShorthandPropertyAssignment) {
            const sp = el as ts.ShorthandPropertyAssignment;
            const prop = { key: sp.name.text, p: { k: K.PId, r: this.range(sp.name), name: sp.name.text } } as {
              key: string;
              p: Pattern;
              d?: Expr;
            };
            p.props.push(prop);
            if (sp.objectAssignmentInitializer) this.push(sp.objectAssignmentInitializer, 'expr', prop, 'd', ctx);
          } else if (el.kind === SK.PropertyAssignment) {
            const pa = el as ts.PropertyAssignment;
            const key = this.key(pa.name);
            const prop = { key: key ?? '', p: undefined as unknown as Pattern } as {
              key: string | Expr;
              p: Pattern;
              d?: Expr;
            };
            p.props.push(prop);
            if (key === undefined) this.push((pa.name as ts.ComputedPropertyName).expression, 'expr', prop, 'key', ctx);
            const init = unwrapExpr(pa.initializer);
            if (
              init.kind === SK.BinaryExpression &&
              (init as ts.BinaryExpression).operatorToken.kind === SK.EqualsToken
            ) {
              this.push((init as ts.BinaryExpression).right, 'expr', prop, 'd', ctx);
              this.push((init as ts.BinaryExpression).left, 'pat', prop, 'p', ctx);
            } else {
              this.push(init, 'pat', prop, 'p', ctx);
            }
          } else {
            throw this.unsupported(el);
          }
        }
        return;
      }
      default:
        throw this.src.error(
          'unsupported',
          `Unsupported assignment target ${this.src.quote(n)} at ${this.src.pos(n)}`,
          n,
        );
    }
  }

  // ---- statements ----

  private loopLabel(n: ts.Node, body: ts.Node): string {
    const start = this.src.start(n);
    let end = this.src.start(body);
    const text = this.src.text;
    while (end > start && /\s/.test(text[end - 1])) end--;
    let s = text.slice(start, Math.min(end, start + 200)).replace(/\s+/g, ' ');
    if (s.length > LABEL_MAX) s = s.slice(0, LABEL_MAX - 1) + '…';
    return s;
  }

  private labelOf(n: ts.Node): string | undefined {
    const p = n.parent;
    return p && p.kind === SK.LabeledStatement ? (p as ts.LabeledStatement).label.text : undefined;
  }

  private varStmt(list: ts.VariableDeclarationList, r: SourceRange, ctx: Ctx, declare: boolean): VarStmt {
    const flags = list.flags;
    const bs = flags & ts.NodeFlags.BlockScoped;
    if (bs === ts.NodeFlags.Using || bs === ts.NodeFlags.AwaitUsing) throw this.unsupported(list);
    const kind = bs === ts.NodeFlags.Const ? 'const' : bs === ts.NodeFlags.Let ? 'let' : 'var';
    const v: VarStmt = { k: K.Var, r, kind, decls: new Array(list.declarations.length) };
    if (declare) v.declare = true;
    if (kind === 'var') for (const d of list.declarations) this.addVars(d.name, ctx);
    // Named inputs: literals bound by a top-level declaration (issue 10: literals elsewhere are constants).
    const nameInputs = !declare && ctx.depth === 0 && ctx.path === '';
    list.declarations.forEach((d, i) => {
      const decl = { r: this.range(d), p: undefined as unknown as Pattern } as VarStmt['decls'][number];
      v.decls[i] = decl;
      if (d.initializer) {
        let c: Ctx = { ...ctx, path: undefined, pathAt: undefined };
        if (nameInputs && d.name.kind === SK.Identifier)
          c = { ...ctx, path: (d.name as ts.Identifier).text, pathAt: this.range(d.name) };
        this.push(d.initializer, 'expr', decl, 'init', c);
      }
      // A default in the pattern (`const { r = 7 } = o`) is not an initialiser: its literals are constants.
      const pc: Ctx = ctx.path === undefined ? ctx : { ...ctx, path: undefined, pathAt: undefined };
      this.push(d.name, 'pat', decl, 'p', pc);
    });
    return v;
  }

  private addVars(name: ts.BindingName, ctx: Ctx): void {
    const names: string[] = [];
    boundNames(name, names);
    for (const n of names) ctx.vars.add(n);
  }

  private isConsoleOrExports(e: ts.Expression): boolean {
    const x = unwrapExpr(e);
    if (x.kind === SK.CallExpression) {
      const f = unwrapExpr((x as ts.CallExpression).expression);
      if (f.kind === SK.PropertyAccessExpression) {
        const o = unwrapExpr((f as ts.PropertyAccessExpression).expression);
        return (
          o.kind === SK.Identifier && (o as ts.Identifier).text === 'console' && !this.globalsShadowed('console', o)
        );
      }
      return false;
    }
    if (x.kind === SK.BinaryExpression && (x as ts.BinaryExpression).operatorToken.kind === SK.EqualsToken) {
      let l = unwrapExpr((x as ts.BinaryExpression).left);
      while (l.kind === SK.PropertyAccessExpression || l.kind === SK.ElementAccessExpression) {
        const o = unwrapExpr((l as ts.PropertyAccessExpression).expression);
        if (o.kind === SK.Identifier) {
          const name = (o as ts.Identifier).text;
          return (name === 'module' || name === 'exports') && !this.globalsShadowed(name, o);
        }
        l = o;
      }
    }
    return false;
  }

  private stmt(n: ts.Statement, slot: Slot, ctx0: Ctx): void {
    const r = this.range(n);
    // At the top level, a declaration's literals are named inputs (path '' = "name me").
    const ctx: Ctx = ctx0.path === undefined ? ctx0 : { ...ctx0, path: undefined, pathAt: undefined };
    const empty = () => put(slot, { k: K.Empty, r });
    const bad = ctx.depth === 0 && n.parent?.kind === SK.SourceFile ? this.src.syntaxErrorInNode(n) : undefined;
    if (bad) {
      const names: string[] = [];
      if (n.kind === SK.VariableStatement)
        for (const d of (n as ts.VariableStatement).declarationList.declarations) boundNames(d.name, names);
      else if (
        (n.kind === SK.FunctionDeclaration || n.kind === SK.ClassDeclaration) &&
        (n as ts.FunctionDeclaration).name
      )
        names.push((n as ts.FunctionDeclaration).name!.text);
      let fatal = false;
      for (const tn of this.targets) if (tn.pos >= n.pos && tn.end <= n.end) fatal = true;
      const b = {
        k: K.Bad,
        r,
        msg: bad.message,
        where: { line: bad.line!, column: bad.column!, start: bad.start!, end: bad.end! },
      } as Stmt & {
        names?: string[];
        fatal?: boolean;
      };
      if (names.length) b.names = names;
      if (fatal) b.fatal = true;
      put(slot, b);
      return;
    }
    switch (n.kind) {
      case SK.VariableStatement: {
        const vs = n as ts.VariableStatement;
        const declare = hasModifier(vs, SK.DeclareKeyword);
        const topCtx = ctx.depth === 0 && n.parent?.kind === SK.SourceFile ? { ...ctx, path: '' } : ctx;
        put(slot, this.varStmt(vs.declarationList, r, topCtx, declare));
        return;
      }
      case SK.ExpressionStatement: {
        const es = n as ts.ExpressionStatement;
        const x = unwrapExpr(es.expression);
        if (
          this.isConsoleOrExports(es.expression) ||
          (x.kind === SK.StringLiteral && n.parent?.kind === SK.SourceFile)
        ) {
          if (this.targets.has(es.expression)) {
            // Lowered for its target only: the IR goes into a slot nothing keeps.
            this.push(es.expression, 'expr', {}, 'e', ctx);
          }
          empty();
          return;
        }
        const s = { k: K.ExprStmt, r, e: undefined as unknown as Expr };
        put(slot, s as Stmt);
        this.push(es.expression, 'expr', s, 'e', ctx);
        return;
      }
      case SK.FunctionDeclaration: {
        const f = n as ts.FunctionDeclaration;
        if (f.body && !hasModifier(f, SK.DeclareKeyword)) {
          this.lowerFunction(f, ctx);
          if (!f.name) {
            // export default function () {}
            empty();
            return;
          }
        }
        empty();
        return;
      }
      case SK.ClassDeclaration: {
        const c = n as ts.ClassDeclaration;
        if (hasModifier(c, SK.DeclareKeyword) || !c.name) {
          empty();
          return;
        }
        put(slot, { k: K.ClassDecl, r, name: c.name.text, cls: this.lowerClass(c, ctx) });
        return;
      }
      case SK.EnumDeclaration: {
        const e = n as ts.EnumDeclaration;
        if (hasModifier(e, SK.DeclareKeyword)) {
          empty();
          return;
        }
        const props: ObjProp[] = [];
        let next = 0;
        const seen = new Map<string, number | string>();
        for (const m of e.members) {
          const key = propName(m.name as ts.PropertyName) ?? '';
          let val: number | string;
          if (m.initializer) {
            const init = unwrapExpr(m.initializer);
            if (init.kind === SK.StringLiteral) val = (init as ts.StringLiteral).text;
            else if (init.kind === SK.NumericLiteral) val = Number((init as ts.NumericLiteral).text);
            else if (
              init.kind === SK.PrefixUnaryExpression &&
              (init as ts.PrefixUnaryExpression).operator === SK.MinusToken &&
              (init as ts.PrefixUnaryExpression).operand.kind === SK.NumericLiteral
            )
              val = -Number(((init as ts.PrefixUnaryExpression).operand as ts.NumericLiteral).text);
            else if (init.kind === SK.Identifier && seen.has((init as ts.Identifier).text))
              val = seen.get((init as ts.Identifier).text)!;
            else throw this.refuse(m, 'computed enum member', 'give the member a literal value');
          } else {
            val = next;
          }
          if (typeof val === 'number') next = val + 1;
          seen.set(key, val);
          const mr = this.range(m);
          props.push({
            kind: 'init',
            key,
            v:
              typeof val === 'number'
                ? ({ k: K.Num, r: mr, v: val, t: String(val) } as NumExpr)
                : { k: K.Str, r: mr, v: val },
          });
          if (typeof val === 'number') props.push({ kind: 'init', key: String(val), v: { k: K.Str, r: mr, v: key } });
        }
        put(slot, {
          k: K.Var,
          r,
          kind: 'const',
          decls: [
            {
              r,
              p: { k: K.PId, r: this.range(e.name), name: e.name.text },
              init: { k: K.Obj, r, props, t: e.name.text },
            },
          ],
        });
        return;
      }
      case SK.InterfaceDeclaration:
      case SK.TypeAliasDeclaration:
      case SK.EmptyStatement:
      case SK.DebuggerStatement:
      case SK.ExportDeclaration:
      case SK.ExportAssignment:
      case SK.ImportEqualsDeclaration:
      case SK.MissingDeclaration:
        if (n.kind === SK.ExportAssignment && !(n as ts.ExportAssignment).isExportEquals) {
          // export default <expr>: evaluate it (it may be the target).
          const s = { k: K.ExprStmt, r, e: undefined as unknown as Expr };
          put(slot, s as Stmt);
          this.push((n as ts.ExportAssignment).expression, 'expr', s, 'e', ctx);
          return;
        }
        empty();
        return;
      case SK.ModuleDeclaration:
        if (hasModifier(n, SK.DeclareKeyword)) {
          empty();
          return;
        }
        throw this.refuse(n, 'namespace', 'declare the names at top level');
      case SK.ImportDeclaration: {
        const im = n as ts.ImportDeclaration;
        const ic = im.importClause;
        if (!ic || ic.isTypeOnly) {
          empty();
          return;
        }
        const from = (im.moduleSpecifier as ts.StringLiteral).text ?? '?';
        const names: ts.Identifier[] = [];
        if (ic.name) names.push(ic.name);
        const nb = ic.namedBindings;
        if (nb && nb.kind === SK.NamespaceImport) names.push((nb as ts.NamespaceImport).name);
        else if (nb) for (const sp of (nb as ts.NamedImports).elements) if (!sp.isTypeOnly) names.push(sp.name);
        put(slot, {
          k: K.Var,
          r,
          kind: 'const',
          decls: names.map((id) => ({
            r: this.range(id),
            p: { k: K.PId, r: this.range(id), name: id.text },
            init: { k: K.Import, r: this.range(id), name: id.text, from },
          })),
        });
        return;
      }
      case SK.ReturnStatement: {
        const rs = n as ts.ReturnStatement;
        if (ctx.depth === 0)
          throw this.src.error('syntax', `Syntax error: 'return' outside a function at ${this.src.pos(n)}`, n);
        const s = { k: K.Return, r } as { k: K.Return; r: SourceRange; e?: Expr };
        put(slot, s);
        if (rs.expression) this.push(rs.expression, 'expr', s, 'e', ctx);
        return;
      }
      case SK.IfStatement: {
        const is = n as ts.IfStatement;
        const s = { k: K.If, r } as { k: K.If; r: SourceRange; c: Expr; a: Stmt; b?: Stmt };
        put(slot, s);
        if (is.elseStatement) this.push(is.elseStatement, 'stmt', s, 'b', ctx);
        this.push(is.thenStatement, 'stmt', s, 'a', ctx);
        this.push(is.expression, 'expr', s, 'c', ctx);
        return;
      }
      case SK.Block: {
        const b = n as ts.Block;
        const s = { k: K.Block, r, body: new Array<Stmt>(b.statements.length) } as {
          k: K.Block;
          r: SourceRange;
          body: Stmt[];
        } & Scope;
        this.scopeOf(b.statements, s);
        put(slot, s);
        for (let i = b.statements.length - 1; i >= 0; i--) this.push(b.statements[i], 'stmt', s.body, i, ctx);
        return;
      }
      case SK.ForStatement: {
        const f = n as ts.ForStatement;
        const s = { k: K.For, r, t: this.loopLabel(n, f.statement) } as {
          k: K.For;
          r: SourceRange;
          t: string;
          init?: Stmt;
          test?: Expr;
          update?: Expr;
          body: Stmt;
          label?: string;
          perIter?: string[];
        };
        const label = this.labelOf(n);
        if (label) s.label = label;
        put(slot, s as Stmt);
        this.push(f.statement, 'stmt', s, 'body', ctx);
        if (f.incrementor) this.push(f.incrementor, 'expr', s, 'update', ctx);
        if (f.condition) this.push(f.condition, 'expr', s, 'test', ctx);
        const init = f.initializer;
        if (init) {
          if (init.kind === SK.VariableDeclarationList) {
            const list = init as ts.VariableDeclarationList;
            s.init = this.varStmt(list, this.range(init), ctx, false);
            if (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) {
              const names: string[] = [];
              for (const d of list.declarations) boundNames(d.name, names);
              this.forLoops.push({ ir: s, names, start: f.pos, end: f.end });
            }
          } else {
            const es = { k: K.ExprStmt, r: this.range(init), e: undefined as unknown as Expr };
            s.init = es as Stmt;
            this.push(init, 'expr', es, 'e', ctx);
          }
        }
        return;
      }
      case SK.ForOfStatement:
      case SK.ForInStatement: {
        const f = n as ts.ForOfStatement;
        if (f.awaitModifier) throw this.refuse(n, "'for await'", 'write synchronous code');
        const s = { k: n.kind === SK.ForOfStatement ? K.ForOf : K.ForIn, r, t: this.loopLabel(n, f.statement) } as {
          k: K.ForOf;
          r: SourceRange;
          t: string;
          kind?: 'var' | 'let' | 'const';
          p: Pattern;
          iter: Expr;
          body: Stmt;
          label?: string;
        };
        const label = this.labelOf(n);
        if (label) s.label = label;
        put(slot, s as Stmt);
        this.push(f.statement, 'stmt', s, 'body', ctx);
        this.push(f.expression, 'expr', s, 'iter', ctx);
        const init = f.initializer;
        if (init.kind === SK.VariableDeclarationList) {
          const list = init as ts.VariableDeclarationList;
          s.kind = list.flags & ts.NodeFlags.Const ? 'const' : list.flags & ts.NodeFlags.Let ? 'let' : 'var';
          if (s.kind === 'var') this.addVars(list.declarations[0].name, ctx);
          this.push(list.declarations[0].name, 'pat', s, 'p', ctx);
        } else {
          this.push(init, 'pat', s, 'p', ctx);
        }
        return;
      }
      case SK.WhileStatement:
      case SK.DoStatement: {
        const w = n as ts.WhileStatement;
        const s = { k: n.kind === SK.WhileStatement ? K.While : K.DoWhile, r, t: this.loopLabel(n, w.statement) } as {
          k: K.While;
          r: SourceRange;
          t: string;
          c: Expr;
          body: Stmt;
          label?: string;
        };
        if (n.kind === SK.DoStatement) s.t = `do … while (${this.label(w.expression)})`;
        const label = this.labelOf(n);
        if (label) s.label = label;
        put(slot, s as Stmt);
        this.push(w.statement, 'stmt', s, 'body', ctx);
        this.push(w.expression, 'expr', s, 'c', ctx);
        return;
      }
      case SK.BreakStatement:
      case SK.ContinueStatement: {
        const j = n as ts.BreakStatement;
        const s = { k: n.kind === SK.BreakStatement ? K.Break : K.Continue, r } as {
          k: K.Break;
          r: SourceRange;
          label?: string;
        };
        if (j.label) s.label = j.label.text;
        put(slot, s);
        return;
      }
      case SK.LabeledStatement: {
        const l = n as ts.LabeledStatement;
        const s = { k: K.Labeled, r, label: l.label.text } as {
          k: K.Labeled;
          r: SourceRange;
          label: string;
          body: Stmt;
        };
        put(slot, s);
        this.push(l.statement, 'stmt', s, 'body', ctx);
        return;
      }
      case SK.SwitchStatement: {
        const sw = n as ts.SwitchStatement;
        const s = { k: K.Switch, r, cases: [] } as unknown as {
          k: K.Switch;
          r: SourceRange;
          d: Expr;
          cases: Array<{ test?: Expr; body: Stmt[] }>;
          label?: string;
        } & Scope;
        const all: ts.Statement[] = [];
        for (const c of sw.caseBlock.clauses) all.push(...c.statements);
        this.scopeOf(all, s);
        const label = this.labelOf(n);
        if (label) s.label = label;
        put(slot, s);
        sw.caseBlock.clauses.forEach((c) => {
          const cc = { body: new Array<Stmt>(c.statements.length) } as { test?: Expr; body: Stmt[] };
          s.cases.push(cc);
          for (let i = c.statements.length - 1; i >= 0; i--) this.push(c.statements[i], 'stmt', cc.body, i, ctx);
          if (c.kind === SK.CaseClause) this.push(c.expression, 'expr', cc, 'test', ctx);
        });
        this.push(sw.expression, 'expr', s, 'd', ctx);
        return;
      }
      case SK.ThrowStatement: {
        const s = { k: K.Throw, r } as { k: K.Throw; r: SourceRange; e: Expr };
        put(slot, s);
        this.push((n as ts.ThrowStatement).expression, 'expr', s, 'e', ctx);
        return;
      }
      case SK.TryStatement: {
        const ts_ = n as ts.TryStatement;
        const s = { k: K.Try, r } as {
          k: K.Try;
          r: SourceRange;
          block: Stmt;
          param?: Pattern;
          handler?: Stmt;
          fin?: Stmt;
        };
        put(slot, s);
        if (ts_.finallyBlock) this.push(ts_.finallyBlock, 'stmt', s, 'fin', ctx);
        const cc = ts_.catchClause;
        if (cc) {
          this.push(cc.block, 'stmt', s, 'handler', ctx);
          if (cc.variableDeclaration) this.push(cc.variableDeclaration.name, 'pat', s, 'param', ctx);
        }
        this.push(ts_.tryBlock, 'stmt', s, 'block', ctx);
        return;
      }
      case SK.WithStatement:
        throw this.refuse(n, "'with' statement", '');
      default:
        throw this.unsupported(n);
    }
  }
}

/**
 * Optional chaining: `?.` sets opt; a member, index or call after it in the same chain
 * (`a?.b.c`: `.c`) sets opt and cont, so a short-circuit anywhere in the chain makes the whole
 * chain undefined, as JavaScript does; sc when the parent continues the chain.
 */
function optionalChain(n: ts.Node, q: boolean, e: { opt?: boolean; cont?: boolean; sc?: boolean }): void {
  if (q) e.opt = true;
  else if (n.flags & ts.NodeFlags.OptionalChain) {
    e.opt = true;
    e.cont = true;
  }
  if (!e.opt) return;
  const p = n.parent;
  if (p && p.flags & ts.NodeFlags.OptionalChain && (p as ts.PropertyAccessExpression).expression === n) e.sc = true;
}

/** Lowers the file; `target` (a node of the same tree) is wrapped in a Tgt expression. */
export function lowerProgram(
  src: SourceText,
  targets: ReadonlySet<ts.Node>,
  globalsShadowed: (name: string, at: ts.Node) => boolean,
): { program: IrProgram; lowerer: Lowerer } {
  const lw = new Lowerer(src, targets, globalsShadowed);
  const program = lw.lowerFile(src.sf);
  for (const d of lw.deferred) d();
  return { program, lowerer: lw };
}

export type { IrTarget };
