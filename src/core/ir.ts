/**
 * The program IR: what src/parse/lower.ts makes of a TypeScript file and what
 * src/core/interpret.ts runs. Plain, serializable data (numbers, strings, arrays and plain
 * objects; no classes, no functions, no cycles): it can be posted to the webview and re-run
 * there when an input changes (the graph's shape may change with the values).
 *
 * Every node carries its source range `r`. Nodes that can create a graph node also carry `t`,
 * their abbreviated source text (the graph label). Functions and classes live in tables
 * (`IrProgram.functions`, `IrProgram.classes`) and are referenced by index.
 */
import type { SourceRange } from './expr';

/** Node kinds. Expressions < 50, statements 50..99, patterns 100... */
export const enum K {
  // expressions
  Num = 0,
  Str,
  Bool,
  Null,
  Ident,
  This,
  Bin,
  Logic,
  Unary,
  Update,
  Assign,
  Cond,
  Call,
  New,
  Member,
  Index,
  Arr,
  Obj,
  Fn,
  Class,
  Spread,
  Template,
  Seq,
  SuperCall,
  SuperMember,
  Hole,
  /** The target expression: its value is recorded each time it is evaluated. */
  Tgt,
  /** A name imported from another module (its value is unseen). */
  Import,
  // statements
  ExprStmt = 50,
  Var,
  Return,
  If,
  Block,
  For,
  ForOf,
  ForIn,
  While,
  DoWhile,
  Break,
  Continue,
  Labeled,
  Switch,
  Throw,
  Empty,
  ClassDecl,
  /** A statement with a syntax error: poisons the names it declares, or throws when it holds the target. */
  Bad,
  /** try { } catch (p) { } finally { } */
  Try,
  // patterns (binding / assignment targets)
  PId = 100,
  PArr,
  PObj,
  PExpr,
}

export interface IrBase {
  k: K;
  r: SourceRange;
}

// ---------- expressions ----------

export interface NumExpr extends IrBase {
  k: K.Num;
  v: number;
  t: string;
  /** Set when this literal is a named input (a number bound by a top-level declaration): its access path. */
  input?: string;
  /** The input's range (the declared name for a scalar, the literal for an element). */
  ir?: SourceRange;
}
export interface StrExpr extends IrBase {
  k: K.Str;
  v: string;
}
export interface BoolExpr extends IrBase {
  k: K.Bool;
  v: boolean;
}
export interface NullExpr extends IrBase {
  k: K.Null;
}
export interface IdentExpr extends IrBase {
  k: K.Ident;
  name: string;
}
export interface ThisExpr extends IrBase {
  k: K.This;
}
export interface BinExpr extends IrBase {
  k: K.Bin;
  /** Source operator: + - * / % ** < <= > >= === !== == != in instanceof */
  op: string;
  a: Expr;
  b: Expr;
  t: string;
}
export interface LogicExpr extends IrBase {
  k: K.Logic;
  op: '&&' | '||' | '??';
  a: Expr;
  b: Expr;
}
export interface UnaryExpr extends IrBase {
  k: K.Unary;
  /** - + ! typeof void */
  op: string;
  a: Expr;
  t: string;
}
export interface UpdateExpr extends IrBase {
  k: K.Update;
  op: '++' | '--';
  prefix: boolean;
  target: Pattern;
  t: string;
}
export interface AssignExpr extends IrBase {
  k: K.Assign;
  /** = += -= *= /= %= **= &&= ||= ??= */
  op: string;
  target: Pattern;
  v: Expr;
  t: string;
}
export interface CondExpr extends IrBase {
  k: K.Cond;
  c: Expr;
  a: Expr;
  b: Expr;
  /** Source text (abbreviated): the label of its `branch` gate. */
  t?: string;
}
export interface CallExpr extends IrBase {
  k: K.Call;
  f: Expr;
  args: Expr[];
  /** `f?.()` */
  opt?: boolean;
  /** Continues an optional chain (`a?.b.c`: `.c`): a short-circuited object ends it as undefined. */
  cont?: boolean;
  /** Its parent continues the chain: a short-circuit yields SHORT, not undefined. */
  sc?: boolean;
  t: string;
}
export interface NewExpr extends IrBase {
  k: K.New;
  f: Expr;
  args: Expr[];
  t: string;
}
export interface MemberExpr extends IrBase {
  k: K.Member;
  o: Expr;
  name: string;
  opt?: boolean;
  /** Continues an optional chain (`a?.b.c`: `.c`): a short-circuited object ends it as undefined. */
  cont?: boolean;
  /** Its parent continues the chain: a short-circuit yields SHORT, not undefined. */
  sc?: boolean;
  t: string;
}
export interface IndexExpr extends IrBase {
  k: K.Index;
  o: Expr;
  i: Expr;
  opt?: boolean;
  /** Continues an optional chain (`a?.b.c`: `.c`): a short-circuited object ends it as undefined. */
  cont?: boolean;
  /** Its parent continues the chain: a short-circuit yields SHORT, not undefined. */
  sc?: boolean;
  t: string;
}
export interface ArrExpr extends IrBase {
  k: K.Arr;
  items: Expr[];
  t: string;
}
export type ObjProp =
  | { kind: 'init'; key: string | Expr; v: Expr }
  | { kind: 'spread'; v: Expr }
  | { kind: 'get' | 'set'; key: string | Expr; fn: number };
export interface ObjExpr extends IrBase {
  k: K.Obj;
  props: ObjProp[];
  t: string;
}
export interface FnExpr extends IrBase {
  k: K.Fn;
  fn: number;
}
export interface ClassExpr extends IrBase {
  k: K.Class;
  cls: number;
}
export interface SpreadExpr extends IrBase {
  k: K.Spread;
  a: Expr;
}
export interface HoleExpr extends IrBase {
  k: K.Hole;
}
export interface TemplateExpr extends IrBase {
  k: K.Template;
  quasis: string[];
  exprs: Expr[];
}
export interface TgtExpr extends IrBase {
  k: K.Tgt;
  a: Expr;
}
export interface ImportExpr extends IrBase {
  k: K.Import;
  name: string;
  from: string;
}
export interface SeqExpr extends IrBase {
  k: K.Seq;
  items: Expr[];
}
export interface SuperCallExpr extends IrBase {
  k: K.SuperCall;
  args: Expr[];
  t: string;
}
export interface SuperMemberExpr extends IrBase {
  k: K.SuperMember;
  name: string;
  t: string;
}

export type Expr =
  | NumExpr
  | StrExpr
  | BoolExpr
  | NullExpr
  | IdentExpr
  | ThisExpr
  | BinExpr
  | LogicExpr
  | UnaryExpr
  | UpdateExpr
  | AssignExpr
  | CondExpr
  | CallExpr
  | NewExpr
  | MemberExpr
  | IndexExpr
  | ArrExpr
  | ObjExpr
  | FnExpr
  | ClassExpr
  | SpreadExpr
  | HoleExpr
  | TemplateExpr
  | SeqExpr
  | SuperCallExpr
  | SuperMemberExpr
  | TgtExpr
  | ImportExpr;

// ---------- patterns ----------

export interface PId extends IrBase {
  k: K.PId;
  name: string;
}
export interface PArr extends IrBase {
  k: K.PArr;
  /** null: a hole `[, b]`. */
  elems: Array<{ p: Pattern; d?: Expr } | null>;
  rest?: Pattern;
}
export interface PObj extends IrBase {
  k: K.PObj;
  props: Array<{ key: string | Expr; p: Pattern; d?: Expr }>;
  rest?: Pattern;
}
/** An assignment target that is a member or element access: `o.x = ...`, `a[i] += ...`. */
export interface PExpr extends IrBase {
  k: K.PExpr;
  e: MemberExpr | IndexExpr | SuperMemberExpr;
}
export type Pattern = PId | PArr | PObj | PExpr;

// ---------- statements ----------

/** Names a block (or function body, or the file) declares, instantiated on entry. */
export interface Scope {
  /** let/const/class names: in their temporal dead zone until their declaration runs. */
  lex?: string[];
  /** const names (assignment is a TypeError). */
  consts?: string[];
  /** Function declarations, hoisted: [name, function index]. */
  funs?: Array<[string, number]>;
}

export interface ExprStmt extends IrBase {
  k: K.ExprStmt;
  e: Expr;
}
export interface VarStmt extends IrBase {
  k: K.Var;
  kind: 'var' | 'let' | 'const';
  decls: Array<{ p: Pattern; init?: Expr; r: SourceRange }>;
  /** `declare const x: number`: each name is a free input. */
  declare?: boolean;
}
export interface ReturnStmt extends IrBase {
  k: K.Return;
  e?: Expr;
}
export interface IfStmt extends IrBase {
  k: K.If;
  c: Expr;
  a: Stmt;
  b?: Stmt;
}
export interface BlockStmt extends IrBase, Scope {
  k: K.Block;
  body: Stmt[];
}
export interface ForStmt extends IrBase {
  k: K.For;
  init?: VarStmt | ExprStmt;
  test?: Expr;
  update?: Expr;
  body: Stmt;
  /** Loop header text for messages and LoopInfo labels. */
  t: string;
  /** let-declared names of init: fresh copies per iteration when the body creates closures. */
  perIter?: string[];
  label?: string;
}
export interface ForOfStmt extends IrBase {
  k: K.ForOf | K.ForIn;
  /** Declaration kind of the loop variable, or undefined for an assignment target. */
  kind?: 'var' | 'let' | 'const';
  p: Pattern;
  iter: Expr;
  body: Stmt;
  t: string;
  label?: string;
}
export interface WhileStmt extends IrBase {
  k: K.While | K.DoWhile;
  c: Expr;
  body: Stmt;
  t: string;
  label?: string;
}
export interface JumpStmt extends IrBase {
  k: K.Break | K.Continue;
  label?: string;
}
export interface LabeledStmt extends IrBase {
  k: K.Labeled;
  label: string;
  body: Stmt;
}
export interface SwitchStmt extends IrBase, Scope {
  k: K.Switch;
  d: Expr;
  cases: Array<{ test?: Expr; body: Stmt[] }>;
  label?: string;
}
export interface ThrowStmt extends IrBase {
  k: K.Throw;
  e: Expr;
}
export interface EmptyStmt extends IrBase {
  k: K.Empty;
}
export interface ClassDeclStmt extends IrBase {
  k: K.ClassDecl;
  name: string;
  cls: number;
}

export interface BadStmt extends IrBase {
  k: K.Bad;
  msg: string;
  where: { line: number; column: number; start: number; end: number };
  names?: string[];
  fatal?: boolean;
}

export interface TryStmt extends IrBase {
  k: K.Try;
  block: Stmt;
  /** The catch clause's binding (absent: `catch { }`). */
  param?: Pattern;
  handler?: Stmt;
  fin?: Stmt;
}

export type Stmt =
  | BadStmt
  | TryStmt
  | ExprStmt
  | VarStmt
  | ReturnStmt
  | IfStmt
  | BlockStmt
  | ForStmt
  | ForOfStmt
  | WhileStmt
  | JumpStmt
  | LabeledStmt
  | SwitchStmt
  | ThrowStmt
  | EmptyStmt
  | ClassDeclStmt;

// ---------- functions, classes, program ----------

/**
 * The shape of a parameter from its type annotation, for a function target's free inputs:
 * 0 a number, `{ arr, n }` an array (n elements by default), `{ obj }` an object of fields.
 */
export type ParamHint = 0 | { arr: ParamHint; n: number } | { obj: Record<string, ParamHint> };

export interface IrParam {
  p: Pattern;
  hint?: ParamHint;
  d?: Expr;
  rest?: boolean;
  /** `x?: number` */
  opt?: boolean;
}

export interface IrFunction extends Scope {
  /** Declared name, or the name it is bound to (`const f = () => ...`), or the method name. */
  name: string;
  params: IrParam[];
  /** Block body; or `expr` for an arrow with an expression body. */
  body?: Stmt[];
  expr?: Expr;
  arrow: boolean;
  /** Hoisted `var` names of the whole body. */
  vars?: string[];
  /** A named function expression binds its own name inside. */
  selfName?: string;
  r: SourceRange;
  /** Text of the declaration's head for messages, e.g. `function f(a, b)`. */
  t: string;
}

export interface IrClassMember {
  key: string | Expr;
  static: boolean;
  kind: 'method' | 'get' | 'set' | 'field';
  fn?: number;
  v?: Expr;
  r: SourceRange;
}

export interface IrClass {
  name: string;
  ext?: Expr;
  ctor?: number;
  members: IrClassMember[];
  r: SourceRange;
}

export interface IrProgram extends Scope {
  body: Stmt[];
  /**
   * How deeply the IR nests (its syntax nodes' nesting, as lowered; objects of the IR nest about
   * as deeply): code that walks the IR recursively (JSON, structured clone) asks it first.
   */
  depth?: number;
  vars?: string[];
  functions: IrFunction[];
  classes: IrClass[];
  fileName: string;
}

/** What to compute from a run of the program. */
export interface IrTarget {
  /**
   * 'expr': the value of expression `expr` (its last evaluation); the run stops after the
   * top-level statement `stmt` (index into IrProgram.body) that contains it, unless `fn` is set.
   * With `fn`: the file's top level runs completely, then the function `fn` is called with its
   * parameters as free inputs; the target is the call's return value, or, with `expr`, the last
   * value of that expression during the call.
   */
  expr?: boolean;
  stmt?: number;
  /** Function index whose latest closure is called (the function target). */
  fn?: number;
  text: string;
  range: SourceRange;
  name?: string;
  /**
   * A selection inside the function `fn` (parse/index.ts): the selected expression is wrapped in
   * a Tgt; every number it evaluates to is recorded, and the built program's
   * `target.selection` lists the recorded nodes (see core/expr.ts TargetSelection).
   */
  selection?: { text: string; range: SourceRange; fn?: string; alone?: boolean };
}
