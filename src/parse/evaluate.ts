/**
 * Turns a TypeScript expression into the flat ExprProgram node list.
 *
 * One loop with an explicit work stack does everything: expression evaluation, expansion of
 * `const` declarations (memoized, cycle-checked) and inlining of helper calls (call frames,
 * recursion check). Nodes are appended only after their arguments exist, so the node list is
 * in topological order by construction. Nothing in here recurses over the syntax tree.
 */
import { ts } from 'ts-morph';
import type { CallFrame, ExprNode, InputNode } from '../core/expr';
import { GradientLensError } from '../core/errors';
import {
  acceptsArgs,
  BINARY_OPERATORS,
  MATH_CONSTANTS,
  MATH_FUNCTIONS,
  UNARY_OPERATORS,
  type OpName,
} from '../core/ops';
import {
  functionInitializer,
  isConstList,
  literalValue,
  Scopes,
  unwrap,
  type Declaration,
  type FunctionLike,
} from './scope';
import { kindWords, LABEL_MAX, SourceText } from './text';

/** Evaluation context: the top level, or one inlined call of a helper. */
interface Ctx {
  /** The helper being inlined; undefined at top level. */
  fn: FunctionLike | undefined;
  /** Frame index, -1 at top level. */
  frame: number;
  /** The caller's context. */
  parent: Ctx | undefined;
  /**
   * Declaration (or array element) → node index. Parameters are bound here on entry;
   * consts are memoized here. IN_PROGRESS marks a declaration being expanded.
   */
  memo: Map<ts.Node, number>;
}

const IN_PROGRESS = -1;
const FAILED = -2;

const enum K {
  Eval,
  Binary,
  Unary,
  Cond,
  MathCall,
  BindExit,
  CallEnter,
  CallExit,
}

type Task =
  | { k: K.Eval; e: ts.Expression; ctx: Ctx }
  | { k: K.Binary; e: ts.BinaryExpression; op: OpName; ctx: Ctx }
  | { k: K.Unary; e: ts.PrefixUnaryExpression; op: OpName; ctx: Ctx }
  | { k: K.Cond; e: ts.ConditionalExpression; ctx: Ctx }
  | { k: K.MathCall; e: ts.CallExpression; op: OpName; n: number; ctx: Ctx }
  | { k: K.BindExit; key: ts.Node; name: string; ctx: Ctx }
  | { k: K.CallEnter; e: ts.CallExpression; fn: Helper; n: number; ctx: Ctx }
  | { k: K.CallExit; frame: number };

/** An entry of the chain of declarations and calls being expanded (for cycle messages). */
interface Active {
  kind: 'bind' | 'call';
  name: string;
  key: ts.Node;
  ctx: Ctx;
  /** Where to point for a cycle: the declaration's name. */
  at: ts.Node;
}

/** A helper function that can be inlined, checked once. */
interface Helper {
  decl: FunctionLike;
  name: string;
  params: Array<{ name: string; decl: ts.ParameterDeclaration; defaultValue?: number; defaultNode?: ts.Expression }>;
  /** The returned expression. */
  body: ts.Expression;
}

/** Binary operator token → source operator text used by BINARY_OPERATORS. */
function binaryOp(kind: ts.SyntaxKind): OpName | undefined {
  const t = ts.tokenToString(kind);
  return t === undefined ? undefined : BINARY_OPERATORS[t];
}

export class Evaluator {
  readonly nodes: ExprNode[] = [];
  readonly frames: CallFrame[] = [];
  private readonly top: Ctx = { fn: undefined, frame: -1, parent: undefined, memo: new Map() };
  private readonly tasks: Task[] = [];
  private readonly values: number[] = [];
  private readonly active: Active[] = [];
  private readonly activeFns = new Set<FunctionLike>();
  private readonly helpers = new Map<FunctionLike, Helper>();
  /** Errors of declarations that failed, so a later use fails the same way (listTargets). */
  private readonly failures = new Map<ts.Node, GradientLensError>();

  constructor(
    private readonly src: SourceText,
    private readonly scopes: Scopes,
  ) {}

  /** Evaluates an expression at top level; returns the node index. */
  evalExpression(e: ts.Expression): number {
    return this.run({ k: K.Eval, e, ctx: this.top });
  }

  /** Evaluates `const/let/var name = init` as the target: through its declaration when it is a const. */
  evalDeclaration(decl: ts.VariableDeclaration): number {
    const list = decl.parent;
    if (ts.isVariableDeclarationList(list) && isConstList(list) && ts.isIdentifier(decl.name) && decl.initializer) {
      return this.guard(() => {
        const idx = this.useDeclaration(decl, decl.name, this.top);
        if (idx !== undefined) return idx;
        return this.loop();
      });
    }
    const idx = this.evalExpression(decl.initializer!);
    const n = this.nodes[idx];
    if (n.name === undefined && ts.isIdentifier(decl.name)) n.name = decl.name.text;
    return idx;
  }

  private run(first: Task): number {
    return this.guard(() => {
      this.tasks.push(first);
      return this.loop();
    });
  }

  /** Runs `f`; on error, marks the declarations being expanded as failed and resets the stacks. */
  private guard(f: () => number): number {
    try {
      return f();
    } catch (e) {
      if (e instanceof GradientLensError) {
        for (const a of this.active) {
          if (a.kind === 'bind') {
            a.ctx.memo.set(a.key, FAILED);
            if (a.ctx === this.top) this.failures.set(a.key, e);
          }
        }
      }
      this.tasks.length = 0;
      this.values.length = 0;
      this.active.length = 0;
      this.activeFns.clear();
      throw e;
    }
  }

  private loop(): number {
    const { tasks, values, nodes } = this;
    while (tasks.length) {
      const t = tasks.pop()!;
      switch (t.k) {
        case K.Eval:
          this.evalStep(t.e, t.ctx);
          break;
        case K.Binary: {
          const b = values.pop()!;
          const a = values.pop()!;
          values.push(this.opNode(t.op, [a, b], t.e, t.ctx));
          break;
        }
        case K.Unary:
          values.push(this.opNode(t.op, [values.pop()!], t.e, t.ctx));
          break;
        case K.Cond: {
          const b = values.pop()!;
          const a = values.pop()!;
          const c = values.pop()!;
          values.push(this.opNode('cond', [c, a, b], t.e, t.ctx));
          break;
        }
        case K.MathCall: {
          const args = values.splice(values.length - t.n, t.n);
          values.push(this.opNode(t.op, args, t.e, t.ctx));
          break;
        }
        case K.BindExit: {
          const v = values[values.length - 1];
          t.ctx.memo.set(t.key, v);
          if (nodes[v].name === undefined) nodes[v].name = t.name;
          this.active.pop();
          break;
        }
        case K.CallEnter:
          this.enterCall(t.e, t.fn, values.splice(values.length - t.n, t.n), t.ctx);
          break;
        case K.CallExit: {
          const v = values[values.length - 1];
          this.frames[t.frame].result = v;
          const a = this.active.pop()!;
          this.activeFns.delete(a.key as FunctionLike);
          break;
        }
      }
    }
    if (values.length !== 1) throw new Error(`internal: ${values.length} values left after evaluation`);
    return values.pop()!;
  }

  // ---- node construction ----

  private push(node: ExprNode): number {
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  private withFrame<T extends ExprNode>(node: T, ctx: Ctx): T {
    if (ctx.frame >= 0) node.frame = ctx.frame;
    return node;
  }

  private opNode(op: OpName, args: number[], e: ts.Node, ctx: Ctx): number {
    return this.push(
      this.withFrame({ kind: 'op', op, args, label: this.src.abbrev(e, LABEL_MAX), range: this.src.range(e) }, ctx),
    );
  }

  private constNode(value: number, e: ts.Node, ctx: Ctx): number {
    return this.push(
      this.withFrame({ kind: 'const', value, label: this.src.abbrev(e, LABEL_MAX), range: this.src.range(e) }, ctx),
    );
  }

  private inputNode(name: string, at: ts.Node, ctx: Ctx, value: number | undefined, suggested?: number): number {
    const node: InputNode = {
      kind: 'input',
      name,
      label: name,
      range: this.src.range(at),
      free: value === undefined,
    };
    if (value !== undefined) node.value = value;
    if (suggested !== undefined) node.suggested = suggested;
    return this.push(this.withFrame(node, ctx));
  }

  // ---- errors ----

  private unsupported(e: ts.Node, what = kindWords(e)): GradientLensError {
    return this.src.error('unsupported', `Unsupported syntax: ${what} ${this.src.quote(e)} at ${this.src.pos(e)}`, e);
  }

  // ---- one expression ----

  private evalStep(e0: ts.Expression, ctx: Ctx): void {
    const e = unwrap(e0);
    const { tasks } = this;
    switch (e.kind) {
      case ts.SyntaxKind.NumericLiteral:
        this.values.push(this.constNode(Number((e as ts.NumericLiteral).text), e, ctx));
        return;
      case ts.SyntaxKind.Identifier:
        this.evalIdentifier(e as ts.Identifier, ctx);
        return;
      case ts.SyntaxKind.BinaryExpression: {
        const b = e as ts.BinaryExpression;
        const op = binaryOp(b.operatorToken.kind);
        if (!op) throw this.unsupported(b);
        tasks.push({ k: K.Binary, e: b, op, ctx }, { k: K.Eval, e: b.right, ctx }, { k: K.Eval, e: b.left, ctx });
        return;
      }
      case ts.SyntaxKind.PrefixUnaryExpression: {
        const u = e as ts.PrefixUnaryExpression;
        const op = UNARY_OPERATORS[ts.tokenToString(u.operator) ?? ''];
        if (!op) throw this.unsupported(u);
        // `-2` is one constant, not neg(2).
        if (ts.isNumericLiteral(u.operand)) {
          const v = Number(u.operand.text);
          this.values.push(this.constNode(op === 'neg' ? -v : v, u, ctx));
          return;
        }
        tasks.push({ k: K.Unary, e: u, op, ctx }, { k: K.Eval, e: u.operand, ctx });
        return;
      }
      case ts.SyntaxKind.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        tasks.push(
          { k: K.Cond, e: c, ctx },
          { k: K.Eval, e: c.whenFalse, ctx },
          { k: K.Eval, e: c.whenTrue, ctx },
          { k: K.Eval, e: c.condition, ctx },
        );
        return;
      }
      case ts.SyntaxKind.PropertyAccessExpression: {
        const p = e as ts.PropertyAccessExpression;
        if (this.isMath(p.expression) && !p.questionDotToken) {
          const v = MATH_CONSTANTS[p.name.text];
          if (v !== undefined) {
            this.values.push(this.constNode(v, p, ctx));
            return;
          }
        }
        throw this.unsupported(p);
      }
      case ts.SyntaxKind.ElementAccessExpression:
        this.evalElementAccess(e as ts.ElementAccessExpression, ctx);
        return;
      case ts.SyntaxKind.CallExpression:
        this.evalCall(e as ts.CallExpression, ctx);
        return;
      default:
        throw this.unsupported(e);
    }
  }

  private isMath(e: ts.Expression): boolean {
    const m = unwrap(e);
    return ts.isIdentifier(m) && m.text === 'Math' && this.scopes.resolve('Math', m) === undefined;
  }

  private evalIdentifier(id: ts.Identifier, ctx: Ctx): void {
    const name = id.text;
    if (name === '') {
      throw this.src.error('syntax', `Syntax error: expression expected at ${this.src.pos(id)}`, id);
    }
    const decl = this.scopes.resolve(name, id);
    if (!decl) {
      if (name === 'Infinity' || name === 'NaN') {
        this.values.push(this.constNode(name === 'NaN' ? NaN : Infinity, id, ctx));
        return;
      }
      if (name === 'undefined') throw this.unsupported(id, "'undefined'");
      throw this.src.error('unknown-name', `Unknown name '${name}' at ${this.src.pos(id)}`, id, [name]);
    }
    const idx = this.useDeclaration(decl, id, ctx);
    if (idx !== undefined) this.values.push(idx);
  }

  /** The context whose memo holds `decl`: the innermost active call of its function, else top. */
  private ownerCtx(decl: Declaration, ctx: Ctx): Ctx {
    const fn = this.scopes.owningFunction(decl);
    if (!fn) return this.top;
    for (let c: Ctx | undefined = ctx; c; c = c.parent) if (c.fn === fn) return c;
    return this.top;
  }

  /**
   * Pushes the node of a declaration use onto `values` and returns undefined when it needs
   * expansion (tasks pushed), or returns the node index directly when known.
   */
  private useDeclaration(decl: Declaration, use: ts.Node, ctx: Ctx): number | undefined {
    const name = ts.isIdentifier(use) ? use.text : '?';
    const owner = this.ownerCtx(decl, ctx);
    const known = owner.memo.get(decl);
    if (known !== undefined && known >= 0) return known;
    if (known === IN_PROGRESS) throw this.cycle(decl, owner, name);
    if (known === FAILED) {
      const f = this.failures.get(decl);
      if (f) throw f;
    }

    if (ts.isVariableDeclaration(decl)) {
      const list = decl.parent;
      const inFor =
        ts.isVariableDeclarationList(list) &&
        list.parent &&
        (ts.isForInStatement(list.parent) || ts.isForOfStatement(list.parent));
      const isConst = ts.isVariableDeclarationList(list) && isConstList(list);
      const ambient = isAmbient(decl);
      const init = decl.initializer;
      const declName = ts.isIdentifier(decl.name) ? decl.name : decl;
      if (isConst && init && !inFor && !ambient) {
        if (functionInitializer(init)) throw this.unsupported(use, `function '${name}' used as a value:`);
        const u = unwrap(init);
        if (ts.isArrayLiteralExpression(u)) throw this.unsupported(use, `array '${name}' used as a number:`);
        // A syntax error anywhere in a declaration we expand counts, not only in the target.
        const bad = this.src.syntaxErrorInNode(init);
        if (bad) throw bad;
        const lit = literalValue(init);
        if (lit !== undefined) return this.literalInput(decl, name, declName, lit);
        this.expand(decl, name, init, owner, declName);
        return undefined;
      }
      // let / var / const without initializer / declare const / for-of variable: a free input.
      const suggested = !isConst && init && !inFor ? literalValue(init) : undefined;
      return this.remember(this.top, decl, this.inputNode(name, declName, this.top, undefined, suggested));
    }
    if (ts.isParameter(decl)) {
      // Bound parameters were found in `owner.memo` above; here the function is not being inlined.
      return this.remember(this.top, decl, this.inputNode(name, decl.name, this.top, undefined));
    }
    if (
      ts.isBindingElement(decl) ||
      ts.isImportClause(decl) ||
      ts.isImportSpecifier(decl) ||
      ts.isNamespaceImport(decl) ||
      ts.isImportEqualsDeclaration(decl)
    ) {
      const at = (decl as { name?: ts.Node }).name ?? decl;
      return this.remember(this.top, decl, this.inputNode(name, at, this.top, undefined));
    }
    if (ts.isFunctionDeclaration(decl) || ts.isFunctionExpression(decl)) {
      throw this.unsupported(use, `function '${name}' used as a value:`);
    }
    if (ts.isClassDeclaration(decl)) throw this.unsupported(use, `class '${name}' used as a value:`);
    if (ts.isEnumDeclaration(decl)) throw this.unsupported(use, `enum '${name}' used as a value:`);
    throw this.unsupported(use, `'${name}' (not a number) used as a value:`);
  }

  /**
   * The input of a literal const (or const array element). Its value does not depend on the
   * call it is in, so one node at top level serves every inlined call of the function that
   * declares it: one declaration, one input (and one name, one gradient).
   */
  private literalInput(key: ts.Node, name: string, at: ts.Node, value: number): number {
    const known = this.top.memo.get(key);
    if (known !== undefined && known >= 0) return known;
    return this.remember(this.top, key, this.inputNode(name, at, this.top, value));
  }

  private remember(ctx: Ctx, key: ts.Node, idx: number): number {
    ctx.memo.set(key, idx);
    return idx;
  }

  /** Schedules the expansion of a declaration's (or array element's) expression in `owner`. */
  private expand(key: ts.Node, name: string, init: ts.Expression, owner: Ctx, at: ts.Node): void {
    owner.memo.set(key, IN_PROGRESS);
    this.active.push({ kind: 'bind', name, key, ctx: owner, at });
    this.tasks.push({ k: K.BindExit, key, name, ctx: owner }, { k: K.Eval, e: init, ctx: owner });
  }

  private cycle(decl: ts.Node, owner: Ctx, name: string): GradientLensError {
    let i = this.active.length - 1;
    while (i >= 0 && !(this.active[i].key === decl && this.active[i].ctx === owner)) i--;
    const chain = this.active.slice(Math.max(i, 0)).map((a) => (a.kind === 'call' ? `${a.name}()` : a.name));
    chain.push(name);
    const first = this.active[Math.max(i, 0)];
    return this.src.error(
      'cycle',
      `Cycle between declarations: ${chain.join(' → ')} (at ${this.src.pos(first.at)})`,
      first.at,
      chain,
    );
  }

  // ---- element access on const arrays ----

  private evalElementAccess(e: ts.ElementAccessExpression, ctx: Ctx): void {
    const indices: number[] = [];
    let cur: ts.Expression = e;
    while (ts.isElementAccessExpression(cur)) {
      if (cur.questionDotToken) throw this.unsupported(cur, 'optional element access');
      const arg = unwrap(cur.argumentExpression);
      const v = ts.isNumericLiteral(arg) ? Number(arg.text) : NaN;
      if (!Number.isInteger(v) || v < 0) {
        throw this.unsupported(cur, 'element access with a non-literal index');
      }
      indices.push(v);
      cur = unwrap(cur.expression);
    }
    indices.reverse();
    if (!ts.isIdentifier(cur)) throw this.unsupported(e, 'element access');
    const arrName = cur.text;
    const decl = this.scopes.resolve(arrName, cur);
    if (!decl)
      throw this.src.error('unknown-name', `Unknown name '${arrName}' at ${this.src.pos(cur)}`, cur, [arrName]);
    const list = decl.parent;
    const arr: ts.Expression | undefined =
      ts.isVariableDeclaration(decl) &&
      ts.isVariableDeclarationList(list) &&
      isConstList(list) &&
      !isAmbient(decl) &&
      decl.initializer
        ? unwrap(decl.initializer)
        : undefined;
    if (!arr || !ts.isArrayLiteralExpression(arr)) {
      throw this.unsupported(e, `element access on '${arrName}', which is not a const array literal:`);
    }
    const bad = this.src.syntaxErrorInNode(arr);
    if (bad) throw bad;
    let path = arrName;
    let el: ts.Expression = arr;
    for (const i of indices) {
      const a = unwrap(el);
      if (!ts.isArrayLiteralExpression(a))
        throw this.unsupported(e, `element access on '${path}', which is not an array:`);
      if (i >= a.elements.length) {
        throw this.src.error(
          'unsupported',
          `Index ${i} out of range: '${path}' has ${a.elements.length} element${a.elements.length === 1 ? '' : 's'} (in ${this.src.quote(e)} at ${this.src.pos(e)})`,
          e,
        );
      }
      el = a.elements[i];
      path += `[${i}]`;
      if (ts.isSpreadElement(el) || ts.isOmittedExpression(el)) throw this.unsupported(el);
    }
    const owner = this.ownerCtx(decl, ctx);
    const known = owner.memo.get(el);
    if (known !== undefined && known >= 0) {
      this.values.push(known);
      return;
    }
    if (known === IN_PROGRESS) throw this.cycle(el, owner, path);
    if (ts.isArrayLiteralExpression(unwrap(el))) throw this.unsupported(e, `array '${path}' used as a number:`);
    const lit = literalValue(el);
    if (lit !== undefined) {
      this.values.push(this.literalInput(el, path, el, lit));
      return;
    }
    this.expand(el, path, el, owner, el);
  }

  // ---- calls ----

  private evalCall(e: ts.CallExpression, ctx: Ctx): void {
    const callee = unwrap(e.expression);
    if (e.questionDotToken) throw this.unsupported(e, 'optional call');
    for (const a of e.arguments) if (ts.isSpreadElement(a)) throw this.unsupported(a);
    const n = e.arguments.length;
    if (ts.isPropertyAccessExpression(callee) && this.isMath(callee.expression)) {
      const fname = callee.name.text;
      const op = MATH_FUNCTIONS[fname];
      if (!op) {
        throw this.src.error(
          'unknown-call',
          `Unknown function 'Math.${fname}' in ${this.src.quote(e)} at ${this.src.pos(e)}`,
          e,
          [`Math.${fname}`],
        );
      }
      if (n === 0 && (op === 'max' || op === 'min')) {
        this.values.push(this.constNode(op === 'max' ? -Infinity : Infinity, e, ctx));
        return;
      }
      if (!acceptsArgs(op, n)) {
        throw this.unsupported(e, `Math.${fname} with ${n} argument${n === 1 ? '' : 's'}:`);
      }
      this.tasks.push({ k: K.MathCall, e, op, n, ctx });
      for (let i = n - 1; i >= 0; i--) this.tasks.push({ k: K.Eval, e: e.arguments[i], ctx });
      return;
    }
    if (!ts.isIdentifier(callee)) {
      const what = ts.isPropertyAccessExpression(callee) ? `'${this.src.abbrev(callee, 40)}'` : 'expression';
      throw this.src.error(
        'unknown-call',
        `Unknown function ${what} in call ${this.src.quote(e)} at ${this.src.pos(e)}: only Math.* and functions declared in this file can be called`,
        e,
      );
    }
    const fname = callee.text;
    const decl = this.scopes.resolve(fname, callee);
    let fn: FunctionLike | undefined;
    if (decl && (ts.isFunctionDeclaration(decl) || ts.isFunctionExpression(decl))) fn = decl;
    else if (
      decl &&
      ts.isVariableDeclaration(decl) &&
      ts.isVariableDeclarationList(decl.parent) &&
      isConstList(decl.parent)
    ) {
      fn = functionInitializer(decl.initializer);
    }
    if (!fn) {
      const why = decl ? `'${fname}' is not a function declared in this file` : `Unknown function '${fname}'`;
      throw this.src.error('unknown-call', `${why} in call ${this.src.quote(e)} at ${this.src.pos(e)}`, e, [fname]);
    }
    if (this.activeFns.has(fn)) throw this.recursion(fn, e);
    const helper = this.helper(fn, fname);
    const np = helper.params.length;
    // Every parameter up to the last one without a default value needs an argument (optional
    // `y?: number` ones included: there is no value to use for them).
    let min = 0;
    for (let i = 0; i < np; i++) if (helper.params[i].defaultNode === undefined) min = i + 1;
    if (n > np || n < min) {
      const expects = min === np ? `${np}` : `${min} to ${np}`;
      let missing = '';
      if (n < min) {
        const names = helper.params.slice(n, min).filter((p) => p.defaultNode === undefined);
        missing = ` (missing ${names.map((p) => `'${p.name}'${p.decl.questionToken ? ', an optional parameter without a default value' : ''}`).join(', ')})`;
      }
      throw this.src.error(
        'unsupported',
        `Wrong number of arguments: '${helper.name}' expects ${expects}, got ${n}${missing} in ${this.src.quote(e)} at ${this.src.pos(e)}`,
        e,
      );
    }
    this.tasks.push({ k: K.CallEnter, e, fn: helper, n, ctx });
    for (let i = n - 1; i >= 0; i--) this.tasks.push({ k: K.Eval, e: e.arguments[i], ctx });
  }

  private recursion(fn: FunctionLike, e: ts.CallExpression): GradientLensError {
    const calls = this.active.filter((a) => a.kind === 'call');
    let i = calls.findIndex((a) => a.key === fn);
    if (i < 0) i = 0;
    const chain = calls.slice(i).map((a) => a.name);
    chain.push(this.helpers.get(fn)?.name ?? '?');
    return this.src.error(
      'recursion',
      `Recursive call: ${chain.join(' → ')} in ${this.src.quote(e)} at ${this.src.pos(e)}`,
      e,
      chain,
    );
  }

  /** Checks (once) that a helper can be inlined: simple parameters, an expression-like body. */
  private helper(fn: FunctionLike, fallbackName: string): Helper {
    const cached = this.helpers.get(fn);
    if (cached) return cached;
    const name =
      (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name
        ? fn.name.text
        : ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)
          ? fn.parent.name.text
          : fallbackName;
    const badFn = (at: ts.Node, why: string) =>
      this.src.error(
        'unsupported',
        `Unsupported function '${name}': ${why} ${this.src.quote(at)} at ${this.src.pos(at)}`,
        at,
      );
    // A syntax error anywhere in a helper we inline counts, not only in the target.
    const bad = this.src.syntaxErrorInNode(fn);
    if (bad) throw bad;
    if ((fn as { asteriskToken?: ts.Node }).asteriskToken) throw badFn(fn, 'generator function');
    if (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) throw badFn(fn, 'async function');
    const params: Helper['params'] = [];
    for (const p of fn.parameters) {
      if (ts.isIdentifier(p.name) && p.name.text === 'this') continue;
      if (p.dotDotDotToken) throw badFn(p, 'rest parameter');
      if (!ts.isIdentifier(p.name)) throw badFn(p, 'destructured parameter');
      let defaultValue: number | undefined;
      if (p.initializer) {
        defaultValue = literalValue(p.initializer);
        if (defaultValue === undefined) throw badFn(p, 'default value is not a numeric literal:');
      }
      params.push({ name: p.name.text, decl: p, defaultValue, defaultNode: p.initializer });
    }
    const body = fn.body;
    if (!body) throw badFn(fn, 'no body:');
    let result: ts.Expression;
    if (ts.isBlock(body)) {
      const st = body.statements;
      const last = st[st.length - 1];
      if (!last || !ts.isReturnStatement(last) || !last.expression) {
        throw badFn(last ?? body, 'the body must end with `return <expression>`:');
      }
      for (let i = 0; i < st.length - 1; i++) {
        const s = st[i];
        if (ts.isEmptyStatement(s) || ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s)) continue;
        if (!ts.isVariableStatement(s) || !isConstList(s.declarationList)) {
          throw badFn(s, 'only `const` declarations may come before the return, not');
        }
        for (const d of s.declarationList.declarations) {
          if (!ts.isIdentifier(d.name) || !d.initializer) throw badFn(d, 'unsupported local declaration');
        }
      }
      result = last.expression;
    } else {
      result = body;
    }
    const h: Helper = { decl: fn, name, params, body: result };
    this.helpers.set(fn, h);
    return h;
  }

  private enterCall(e: ts.CallExpression, h: Helper, args: number[], caller: Ctx): void {
    const frameIndex = this.frames.length;
    const ctx: Ctx = { fn: h.decl, frame: frameIndex, parent: caller, memo: new Map() };
    this.frames.push({ fn: h.name, parent: caller.frame, range: this.src.range(e), args: [], result: -1 });
    for (let i = 0; i < h.params.length; i++) {
      const p = h.params[i];
      let v = args[i];
      if (v === undefined) v = this.constNode(p.defaultValue!, p.defaultNode!, ctx);
      ctx.memo.set(p.decl, v);
      args[i] = v;
    }
    this.frames[frameIndex].args = args;
    this.active.push({ kind: 'call', name: h.name, key: h.decl, ctx, at: e });
    this.activeFns.add(h.decl);
    this.tasks.push({ k: K.CallExit, frame: frameIndex }, { k: K.Eval, e: h.body, ctx });
  }
}

function isAmbient(decl: ts.VariableDeclaration): boolean {
  const stmt = decl.parent?.parent;
  if (stmt && ts.isVariableStatement(stmt)) {
    if (stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return true;
  }
  return false;
}
