/**
 * gradient-lens FILE (--name DECL | --line N) [--set NAME=NUMBER]... [--format table|json|dot]
 *
 * Exit codes: 0 success (also with NaN/Infinity, reported as diagnostics), 1 bad input
 * (the file's expression cannot be differentiated), 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs as parseArgv } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { parseTarget } from '../parse';
import { evaluate, gradientCheck, isGradientLensError, sourceOf, toDot, toReport, toTable } from '../core';
import { runTraining, trainingReport, trainingTable } from '../core/train';

const USAGE = `Usage: gradient-lens FILE (--name DECL | --line N) [options]

Shows the value of a declaration, return or expression in a TypeScript/JavaScript program
and the gradient of that value with respect to every named input (reverse-mode autodiff,
checked against central differences). FILE is read, never executed: Gradient Lens runs it
with its own interpreter.

Target (one of):
  --name DECL            the declaration \`const DECL = ...\`, or a function (its
                         parameters become free inputs)
  --line N               the declaration, return or expression on line N (1-based)
Options:
  --set NAME=NUMBER      value for an input (repeatable); required for free inputs
                         (function parameters, declare const); overrides the file's value.
                         NAME is an access path: x, w[0], W[1][2], model.b, p.x
  --set NAME=JSON        an array or object of numbers for a free parameter:
                         --set w=[0.1,0.2] --set p={"x":1}
  --format table|json|dot  output format (default: table)
  --train STEPS          run gradient descent: u <- u - lr * dL/du, STEPS times
  --lr ETA               learning rate for --train (default 0.1)
  --params a,b,...       parameters to train (default: every named input except
                         data/targets, i.e. names starting with x or t followed by
                         a digit, _, [ or nothing: x1, t2, x[0] ...)
  -h, --help             this help
Exit codes: 0 ok, 1 bad input, 2 usage error.
`;

class UsageError extends Error {}
/** No --name and no --line: the message lists the file's declarations (see targetHint). */
class NoTargetError extends UsageError {
  constructor(readonly file: string) {
    super('give exactly one of --name DECL or --line N');
  }
}

/**
 * What to write when FILE is given without a target: the names declared at the top level of the
 * file with their lines, and the command for the last one (usually the loss or result).
 */
export function targetHint(file: string, text: string): string {
  const found: Array<{ name: string; line: number; value: boolean }> = [];
  text.split('\n').forEach((t, i) => {
    const m = /^(?:export\s+)?(?:(const|let|var)|(?:async\s+)?function\*?)\s+([A-Za-z_$][\w$]*)/.exec(t);
    if (!m) return;
    // `const f = (a) => …` is a helper function, not a value to differentiate.
    const value =
      m[1] !== undefined && !/=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]*)?=>|[A-Za-z_$][\w$]*\s*=>)/.test(t);
    found.push({ name: m[2], line: i + 1, value });
  });
  if (!found.length)
    return `${file} has no top-level declaration: give --line N (the line of the expression or return to differentiate).\n`;
  const last = [...found].reverse().find((d) => d.value) ?? found[found.length - 1];
  // A long file: its first declarations and its last ones (the results are usually last).
  const shown = found.length > 12 ? [...found.slice(0, 3), undefined, ...found.slice(-8)] : found;
  const list = shown.map((d) => (d ? `${d.name} (line ${d.line})` : '…')).join(', ');
  return (
    `Which value of ${file} should be differentiated? Give --name DECL or --line N.\n` +
    `  Declared at the top level: ${list}\n` +
    `  For example: gradient-lens ${file} --name ${last.name}\n` +
    `  (gradient-lens --help lists every option)\n`
  );
}

interface Options {
  file: string;
  name?: string;
  line?: number;
  /** Input values by name: a Map, since names come from the user (`--set __proto__=4`). */
  set: Map<string, number>;
  format: 'table' | 'json' | 'dot';
  train?: number;
  lr: number;
  params?: string[];
}

/**
 * `--set w=[0.1,0.2]` / `--set p={"x":1}` / `--set x=3`: the numbers by access path
 * (`w[0]`, `w[1]`, `p.x`, `x`), for arrays and objects of numbers given to free parameters.
 */
function setValues(name: string, text: string, arg: string): Array<[string, number]> {
  const num = (t: string): number | undefined => {
    if (t === 'NaN') return NaN;
    const n = Number(t);
    return t !== '' && !Number.isNaN(n) ? n : undefined;
  };
  if (text[0] !== '[' && text[0] !== '{') {
    const n = num(text);
    if (n === undefined) throw new UsageError(`--set needs NAME=NUMBER or NAME=JSON, got '${arg}'`);
    return [[name, n]];
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`--set ${name}: not valid JSON: ${text}`);
  }
  const out: Array<[string, number]> = [];
  const stack: Array<[string, unknown]> = [[name, data]];
  while (stack.length) {
    const [path, v] = stack.pop()!;
    if (typeof v === 'number') out.push([path, v]);
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push([`${path}[${i}]`, v[i]]);
    else if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        if (!/^[A-Za-z_$][\w$]*$/.test(keys[i]))
          throw new UsageError(`--set ${name}: field name '${keys[i]}' is not an identifier`);
        stack.push([`${path}.${keys[i]}`, (v as Record<string, unknown>)[keys[i]]]);
      }
    } else
      throw new UsageError(
        `--set ${name}: only numbers, arrays and objects of numbers, got ${JSON.stringify(v)} at ${path}`,
      );
  }
  return out;
}

/** The options node:util parseArgs reads; each value is checked below, in the order given. */
const OPTIONS = {
  name: { type: 'string' },
  line: { type: 'string' },
  set: { type: 'string', multiple: true },
  format: { type: 'string' },
  train: { type: 'string' },
  lr: { type: 'string' },
  params: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseArgs(argv: string[]): Options | 'help' {
  let tokens;
  try {
    ({ tokens } = parseArgv({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true }));
  } catch (e) {
    // Unknown option, missing value ...: node's message names the option.
    throw new UsageError((e as Error).message);
  }
  let name: string | undefined;
  let line: number | undefined;
  const set = new Map<string, number>();
  let format: Options['format'] = 'table';
  let train: number | undefined;
  let lr: number | undefined;
  let params: string[] | undefined;
  const files: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') {
      files.push(t.value);
      continue;
    }
    if (t.kind !== 'option') continue;
    if (t.name === 'help') return 'help';
    const v = t.value ?? '';
    switch (t.name) {
      case 'name':
        if (name !== undefined) throw new UsageError('--name given twice');
        name = v;
        break;
      case 'line':
        if (line !== undefined) throw new UsageError('--line given twice');
        if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--line needs a positive integer, got '${v}'`);
        line = Number(v);
        break;
      case 'set': {
        const eq = v.indexOf('=');
        const key = v.slice(0, eq).trim();
        const text = v.slice(eq + 1).trim();
        if (eq <= 0 || text === '') throw new UsageError(`--set needs NAME=NUMBER or NAME=JSON, got '${v}'`);
        for (const [path, num] of setValues(key, text, v)) {
          if (set.has(path)) throw new UsageError(`--set ${path} given twice`);
          set.set(path, num);
        }
        break;
      }
      case 'format':
        if (v !== 'table' && v !== 'json' && v !== 'dot')
          throw new UsageError(`--format must be table, json or dot, got '${v}'`);
        format = v;
        break;
      case 'train': {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--train needs a positive number of steps, got '${v}'`);
        train = n;
        break;
      }
      case 'lr': {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--lr needs a positive number, got '${v}'`);
        lr = n;
        break;
      }
      case 'params':
        params = v
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        break;
    }
  }
  if (files.length !== 1)
    throw new UsageError(files.length === 0 ? 'missing FILE' : `one FILE expected, got ${files.join(' ')}`);
  if (name === undefined && line === undefined) throw new NoTargetError(files[0]);
  if (name !== undefined && line !== undefined) throw new UsageError('give exactly one of --name DECL or --line N');
  if (format === 'dot' && train) throw new UsageError('--train prints table or json, not dot');
  if (!train && (params !== undefined || lr !== undefined))
    throw new UsageError('--lr and --params need --train STEPS');
  if (params !== undefined && params.length === 0) throw new UsageError('--params needs at least one name');
  return { file: files[0], name, line, set, format, train, lr: lr ?? 0.1, params };
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

export function main(argv: string[], io: CliIo = processIo): number {
  let opts: Options | 'help';
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e instanceof NoTargetError) {
      let text: string | undefined;
      try {
        text = readFileSync(e.file, 'utf8');
      } catch {
        // unreadable: the usage below
      }
      if (text !== undefined) {
        io.err(`gradient-lens: ${targetHint(e.file, text)}`);
        return 2;
      }
    }
    io.err(`gradient-lens: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    io.out(USAGE);
    return 0;
  }
  let text: string;
  try {
    text = readFileSync(opts.file, 'utf8');
  } catch (e) {
    io.err(`gradient-lens: cannot read ${opts.file}: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    // Own data properties only (Object.fromEntries): `__proto__` is a name like any other. The
    // values also shape free parameters as the program runs (`xs[0]` makes `xs` an array).
    const values = Object.fromEntries(opts.set);
    const program = parseTarget({ text, fileName: opts.file, name: opts.name, line: opts.line }, { values });
    // An index loop (no array per node as flatMap makes, no iterator result as for…of may make
    // until the loop is optimized): garbage a 20,000-term sum can do without.
    const names = new Set<string>();
    const nodes = program.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (n.kind === 'input') names.add(n.name);
    }
    // Free parameters of a function target take arrays / objects of any shape.
    const params = sourceOf(program)?.params ?? [];
    for (const name of opts.set.keys()) {
      if (!names.has(name) && !params.includes(/^[^[.@]*/.exec(name)![0])) {
        io.err(
          `gradient-lens: --set ${name}: the expression has no input named '${name}' (inputs: ${[...names].join(', ') || 'none'})\n`,
        );
        return 2;
      }
    }
    if (opts.train) {
      const unknown = (opts.params ?? []).filter((p) => !names.has(p));
      if (unknown.length) {
        io.err(`gradient-lens: --params: no input named ${unknown.join(', ')} (inputs: ${[...names].join(', ')})\n`);
        return 2;
      }
      const run = runTraining(program, values, { steps: opts.train, lr: opts.lr, params: opts.params });
      io.out(opts.format === 'json' ? JSON.stringify(trainingReport(run)) + '\n' : trainingTable(run));
      return 0;
    }
    const ev = evaluate(program, values);
    if (opts.format === 'json') io.out(JSON.stringify(toReport(ev, gradientCheck(ev))) + '\n');
    else if (opts.format === 'dot') io.out(toDot(ev));
    else io.out(toTable(ev, gradientCheck(ev)));
    return 0;
  } catch (e) {
    if (!isGradientLensError(e)) {
      // A bug of ours, not bad input: still one JSON object in json mode, and the stack on stderr.
      const message = `Internal error: ${e instanceof Error ? e.message : String(e)}`;
      if (opts.format === 'json')
        io.out(JSON.stringify({ error: { message, line: null, column: null, code: 'internal' } }) + '\n');
      io.err(`gradient-lens: ${message}\n${e instanceof Error ? e.stack : ''}\n`);
      return 1;
    }
    if (e.code === 'usage') {
      io.err(`gradient-lens: ${e.message}\n`);
      return 2;
    }
    if (opts.format === 'json') {
      io.out(
        JSON.stringify({
          error: { message: e.message, line: e.line ?? null, column: e.column ?? null, code: e.code },
        }) + '\n',
      );
    }
    io.err(`gradient-lens: ${opts.file}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}\n`);
    return 1;
  }
}

if (require.main === module) {
  // A short run: V8's young generation stays at the size it has now (a few MB) instead of
  // doubling up to 32 MB. Everything the parser, the lowering and the interpreter make lives until
  // the output, so a bigger young generation only copies the same objects later, from fresh
  // memory pages that the process must first fault in: on the 20,000-term sum 20 MB less memory
  // touched (peak RSS 98 -> 75 MB) and less time (issue 10's CLI target; docs/benchmarks.md).
  // A 100,000-sample loop (1.2 M tape nodes) runs no slower.
  setFlagsFromString('--semi-space-growth-factor=1');
  process.exitCode = main(process.argv.slice(2));
}
