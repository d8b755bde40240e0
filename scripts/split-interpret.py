#!/usr/bin/env python3
"""
Merge aid for the move-only split of src/core/interpret.ts into src/core/interp/ (delete once the
branches that edited the one-file interpreter are merged).

    python3 scripts/split-interpret.py MONOLITH.ts

MONOLITH.ts is a one-file src/core/interpret.ts (e.g. `git show BRANCH:src/core/interpret.ts`).
Writes src/core/interpret.ts (the public entry) and src/core/interp/*.ts of the working tree, cut
at the same section markers and transformed the same mechanical way as the split commit:
`export` on top-level declarations, `private` -> `protected` in the class, the class as a chain
Machine <- Stepper <- Statements <- Calls <- Interp with `abstract` declarations of the methods a
lower layer calls but a higher one defines, computed imports, file headers; then prettier, and the
imports ESLint finds unused are dropped. Run on the split commit's parent, it reproduces the split
commit's files exactly.

    python3 scripts/split-interpret.py --port BRANCH

ports BRANCH's edits of the one-file interpreter onto the split files of the working tree, 3-way:
the merge base's and BRANCH's src/core/interpret.ts are both split (in a scratch copy of HEAD) and
`git merge-file` applies the difference to each src/core/interp/*.ts and src/core/interpret.ts.
With `git merge --no-commit BRANCH` stopped on src/core/interpret.ts: `git checkout --ours
src/core/interpret.ts`, run --port, check, `git add src/core`, commit.
A new interface member (a builtin calling a new `it.x`) or a new cross-layer call shows up as a
type error: the script adds abstract declarations for `this.x` calls it can see, and the `Interp`
interface lists the members builtins.ts and compile.ts call.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE = os.path.join(ROOT, 'src', 'core')
OUT = os.path.join(CORE, 'interp')

HEADERS = {
    'options': """The interpreter's options (budgets, input values) and ProgramSource, what a traced program
keeps to be traced again. Re-exported by ../interpret.ts.""",
    'values': """The interpreter's runtime values: scopes (Env), objects, functions, builtins, classes, imports,
poisoned names, the Value union, TDZ and PENDING; the task record the machine runs (T, Task,
HofState); operator codes and source positions; and `Interp`, the interface through which
builtins and compiled closures call the interpreter (so they need not import the class).""",
    'paths': """Small helpers of the interpreter: result arrays (presized, numbersOf), RetraceNeeded, the numeric
shape of an array, input access paths (`w[0]`, `p.x`: canonicalIndex, parsePath), the names a
pattern binds (patternNames), ZERO_RANGE.""",
    'compile': """The fast path: simple expressions compiled once per IR node into closures (compileSimple), and
the symbols the interpreter keeps on IR nodes (COMPILED, PARAM_NAMES, SIZE_HINT, BODY, CONSTS).""",
    'builtins': """The allowlisted globals: refused names and their messages, Math, Number constants, the Array,
String, Number and Function methods, the Array and Object namespaces, the NaN/Infinity marks,
and makeGlobals (the global scope of a run). Nothing here reaches a real global.""",
    'machine': """The interpreter, layer 1 of 5 (Machine → Stepper → Statements → Calls → Interp, one class chain
so that every method keeps its body and `this`): all of the run's state (the tape under
construction and its per-node facts, the task stack, budgets), tape nodes, errors, scopes and
name lookup, the entry (run, runSliced), the task loop and the leaf fast path. Methods of the
layers above that this one calls are declared abstract at the top.""",
    'step': """The interpreter, layer 2 of 5: `step`, the state machine of every IR node kind (expressions and
statements); values (steer, truthy, toStr, key, strictEq), operators (binary), this/super, and
properties (getProp, setProp, spread, arguments).""",
    'statements': """The interpreter, layer 3 of 5: assignment, declarations and destructuring patterns, loops
(for, for-of/in, while, do), switch, break/continue and return.""",
    'calls': """The interpreter, layer 4 of 5: calls of user functions and builtins, `new`, constructors and
fields, parameters, the target's entry call and its free parameters, the higher-order
builtins' state machine (map, reduce, forEach, ...) and class definitions.""",
    'interp': """The interpreter, layer 5 of 5: class Interp, the complete interpreter. Builds the ExprProgram
from the tape (finish, build, selection), and binds the NaN/Infinity marks and the namespaces'
constants late in lookup/getProp (the patches after the class).""",
}

LAYERS = ['machine', 'step', 'statements', 'calls', 'interp']
CLS = {'machine': 'Machine', 'step': 'Stepper', 'statements': 'Statements', 'calls': 'Calls', 'interp': 'Interp'}
PARENT = {'step': 'Machine', 'statements': 'Stepper', 'calls': 'Statements', 'interp': 'Calls'}
ABSTRACT_NOTE = {
    'machine': './step, ./statements, ./calls and ./interp',
    'step': './statements and ./calls',
    'statements': './calls and ./interp',
    'calls': './interp',
}
EXTERNAL = {
    '../errors': {'GradientLensError': 'value'},
    '../expr': {k: 'type' for k in ['ArrayGroup', 'CallFrame', 'ExprNode', 'ExprProgram', 'InputNode', 'LoopInfo',
                                    'SourceRange', 'TargetSelection']},
    '../ir': {'K': 'value', **{k: 'type' for k in ['Expr', 'IrClass', 'IrFunction', 'IrProgram', 'IrTarget', 'NumExpr',
                                                   'Pattern', 'Scope', 'Stmt']}},
    '../ops': {'MATH_CONSTANTS': 'value', 'OP_CODE': 'value', 'OP_LIST': 'value'},
    '../tape': {'TapeBuilder': 'value', 'rememberCompiled': 'value', 'Tape': 'type'},
}
# Non-method members of the interface (their types are not on a method header).
IFACE_FIELDS = {'value': '  readonly value: Float64Array;', 'mutations': '  mutations: number;'}


def cut(text, start, end):
    """The text from marker `start` (inclusive) to marker `end` (exclusive); markers must be unique."""
    i = text.index(start) if start else 0
    if start:
        assert text.count(start) == 1, start
    j = text.index(end, i) if end else len(text)
    if end:
        assert text.count(end) == 1, end
    return text[i:j]


def split(mono):
    sep = '// ' + '-' * 93 + '\n'
    big = '// ' + '=' * 93 + '\n'
    lines = mono.split('\n')
    # after the imports: the first section separator
    body = mono[mono.index(sep + '// Options and results'):]
    p = {}
    p['options'] = cut(body, sep + '// Options and results', sep + '// Runtime values')
    rest = cut(body, sep + '// Runtime values', None)
    cls_start = '\nexport class Interp {\n'
    p['values'] = rest[: rest.index(cls_start)] + '\n'
    after = rest[rest.index(cls_start) + len(cls_start):]
    class_end = '\n}\n\n' + big + '// Simple expressions compiled'
    cls = after[: after.index(class_end)] + '\n'
    tail = after[after.index(class_end) + len('\n}\n\n'):]
    m_step = '  private step(t: Task): void {\n'
    m_assign = '  // ---- assignment ----\n'
    m_calls = '  // ---- calls ----\n'
    m_build = '  // ' + '=' * 89 + '\n  // The ExprProgram\n'
    p['machine'] = cut(cls, None, m_step)
    p['step'] = cut(cls, m_step, m_assign)
    p['statements'] = cut(cls, m_assign, m_calls)
    p['calls'] = cut(cls, m_calls, m_build)
    p['interp'] = cut(cls, m_build, None)
    p['compile'] = cut(tail, None, '/** An array for n results written in order')
    p['paths'] = cut(tail, '/** An array for n results written in order', big + '// Builtins')
    late = '// Late binding of marks and namespaces'
    p['builtins'] = cut(tail, big + '// Builtins', late)
    p['patches'] = cut(tail, late, big + '// Entry points')
    p['entry'] = cut(tail, big + '// Entry points', None)
    header = mono[: mono.index('\nimport ') + 1]
    return header, {k: v.strip('\n') + '\n' for k, v in p.items()}


DECL = re.compile(r'^(export )?(const enum|const|function\*?|class|type|interface|let)\s+([A-Za-z_$][\w$]*)', re.M)


def strip_comments(s):
    s = re.sub(r'/\*.*?\*/', ' ', s, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', s)


def method_headers(text):
    """name -> header text (possibly several lines, up to the opening brace) of the class members."""
    out = {}
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        m = re.match(r'^  (private |protected )?(\*)?([A-Za-z_]\w*)\(', lines[i])
        if m and m.group(3) not in ('constructor', 'if', 'for', 'while', 'switch'):
            j = i
            while not lines[j].endswith(' {'):
                j += 1
            out[m.group(3)] = '\n'.join(lines[i: j + 1])
        i += 1
    return out


def abstract_of(header):
    h = header[:-2] + ';'
    h = re.sub(r'^  (private |protected )?\*', r'  \1', h)
    h = re.sub(r"(\w+) = '[^']*'", r'\1?: string', h)
    h = re.sub(r'(\w+) = -?\d+(\.\d+)?', r'\1?: number', h)
    assert ' = ' not in h.split('\n')[0] or '=>' in h, 'default value in ' + h
    if h.startswith('  private ') or h.startswith('  protected '):
        return re.sub(r'^  (private|protected) ', '  protected abstract ', h)
    return '  abstract ' + h[2:]


def interface_of(parts, headers):
    used = []
    for n in ('builtins', 'compile'):
        for name in re.findall(r'\b(?:it|i2)\.(\w+)', strip_comments(parts[n])):
            if name not in used:
                used.append(name)
    order = []
    for n in LAYERS:
        for m in re.finditer(r'^  (?:private |protected |readonly )*(?:get |\*)?(\w+)\b', parts[n], re.M):
            if m.group(1) not in order:
                order.append(m.group(1))
    members = []
    for name in sorted(used, key=lambda x: order.index(x) if x in order else 10**6):
        if name in IFACE_FIELDS:
            members.append(IFACE_FIELDS[name])
        elif re.search(r'^  get ' + name + r'\(\): ', parts_text := ''.join(parts[n] for n in LAYERS), re.M):
            ty = re.search(r'^  get ' + name + r'\(\): (.*) \{$', parts_text, re.M).group(1)
            members.append(f'  readonly {name}: {ty};')
        elif name in headers:
            sig = headers[name][:-2] + ';'
            sig = re.sub(r"(\w+) = '[^']*'", r'\1?: string', sig)
            members.append(sig)
        else:
            raise SystemExit(f'interface: no header for it.{name}: add it to IFACE_FIELDS')
    return (
        '// ' + '-' * 93 + '\n'
        '// The interpreter as builtins (./builtins) and compiled closures (./compile) use it. The class is\n'
        '// Interp (./interp, built up in layers: ./machine, ./step, ./statements, ./calls); this interface\n'
        '// lists the members they call, so that those modules need not import the class (no import cycle).\n\n'
        'export interface Interp {\n' + '\n'.join(members) + '\n}\n\n'
    )


def main():
    mono = open(sys.argv[1]).read()
    header, p = split(mono)
    texts = {}
    # the class layers
    headers = {}
    for n in LAYERS:
        headers.update(method_headers(p[n]))
    defined = {n: set(method_headers(p[n])) for n in LAYERS}
    iface = interface_of(p, headers)
    iface_names = re.findall(r'^  (?:readonly )?(\w+)[(:]', iface, re.M)
    for k, n in enumerate(LAYERS):
        body = re.sub(r'^  private ', '  protected ', p[n], flags=re.M)
        above = set().union(*[defined[m] for m in LAYERS[k + 1:]]) if k + 1 < len(LAYERS) else set()
        below = set().union(*[defined[m] for m in LAYERS[:k]]) if k else set()
        declared_below = set()
        for m in LAYERS[:k]:
            declared_below |= set(re.findall(r'^  (?:protected )?abstract (\w+)\(', texts[m], re.M))
        need = []
        for name in re.findall(r'\bthis\.(\w+)\(', strip_comments(p[n])):
            if name in above and name not in need:
                need.append(name)
        if n == 'machine':  # `this` is passed to builtins / compiled closures: the interface's methods
            for name in iface_names:
                if name in above and name not in need:
                    need.append(name)
        need = [x for x in need if x not in declared_below and x not in below and x not in defined[n]]
        block = ''
        if need:
            block = f'  // Defined in {ABSTRACT_NOTE[n]} (the layers above this one).\n'
            block += '\n'.join(abstract_of(headers[x]) for x in need) + '\n\n'
        if n == 'interp':
            cls = f'export class Interp extends Calls {{\n{block}{body}}}\n\n' + p['patches']
        else:
            ext = f' extends {PARENT[n]}' if n in PARENT else ''
            cls = f'export abstract class {CLS[n]}{ext} {{\n{block}{body}}}\n'
        texts[n] = cls
    for n in ('options', 'values', 'paths', 'compile', 'builtins'):
        texts[n] = re.sub(r'^(const enum|const|function\*?|class|type|interface) ', r'export \1 ', p[n], flags=re.M)
    marker = '// ' + '-' * 93 + '\n// Tasks'
    texts['values'] = texts['values'].replace(marker, iface + marker)
    # imports
    defs = {}
    for n, t in texts.items():
        if n in CLS:
            defs[CLS[n]] = (n, 'value')
            continue
        for m in DECL.finditer(t):
            defs[m.group(3)] = (n, 'type' if m.group(2) in ('type', 'interface') else 'value')
        for m in re.finditer(r'^export const \w+ = [^;]*?,\n((?:  \w+ = [^,;]+[,;]\n)+)', t, re.M):
            for nm in re.findall(r'^  (\w+) = ', m.group(1), re.M):
                defs[nm] = (n, 'value')
    entry = p['entry']
    files = dict(texts)
    files['__entry__'] = entry
    out = {}
    for n, body in files.items():
        is_entry = n == '__entry__'
        used = set(re.findall(r'[A-Za-z_$][\w$]*', strip_comments(body)))
        local = {k for k, (m, _) in defs.items() if m == n}
        imports = {}
        for mod, names in EXTERNAL.items():
            for nm, kind in names.items():
                if nm in used:
                    imports.setdefault(mod, []).append((nm, kind))
        for nm, (m, kind) in defs.items():
            if nm == 'Interp' and n not in ('builtins', 'compile'):
                m, kind = 'interp', 'value'  # the class, not the interface of values.ts
            if m != n and nm in used and nm not in local:
                if n in ('values', 'builtins', 'compile', 'paths', 'options') and m in CLS:
                    continue  # they see the interpreter through the Interp interface of values.ts
                imports.setdefault('./' + m, []).append((nm, kind))
        lines = []
        for mod in sorted(imports, key=lambda x: (not x.startswith('..'), x)):
            items = sorted(imports[mod], key=lambda x: x[0].lower())
            spec = mod
            if is_entry:
                spec = './' + mod[3:] if mod.startswith('../') else './interp/' + mod[2:]
            if all(k == 'type' for _, k in items):
                lines.append('import type { ' + ', '.join(nm for nm, _ in items) + f" }} from '{spec}';")
            else:
                lines.append(
                    'import { ' + ', '.join(('type ' if k == 'type' else '') + nm for nm, k in items) + f" }} from '{spec}';"
                )
        if is_entry:
            text = (
                header + '\n'.join(lines) + '\n\n'
                "// The interpreter's parts live in ./interp/ (see docs/architecture.md); this module is their\n"
                '// public entry.\n'
                "export { DEFAULT_BUDGETS, type Budgets, type InterpretOptions, type ProgramSource } from './interp/options';\n"
                "export { Interp } from './interp/interp';\n"
                "export { RetraceNeeded, patternNames } from './interp/paths';\n\n" + body
            )
            out[os.path.join(CORE, 'interpret.ts')] = text
        else:
            head = '/**\n' + ''.join(' * ' + l + '\n' for l in HEADERS[n].split('\n')) + ' */\n'
            out[os.path.join(OUT, n + '.ts')] = head + '\n'.join(lines) + '\n\n' + body
    os.makedirs(OUT, exist_ok=True)
    for f, t in out.items():
        open(f, 'w').write(t)
    paths = sorted(out)
    subprocess.run(['npx', 'prettier', '--write', '--log-level', 'warn', *paths], cwd=ROOT, check=True)
    # drop imports ESLint finds unused (a local that shadows a module-level name)
    r = subprocess.run(['npx', 'eslint', '--format', 'json', *paths], cwd=ROOT, capture_output=True, text=True)
    changed = False
    for res in json.loads(r.stdout or '[]'):
        unused = [m for m in res['messages'] if m.get('ruleId') == '@typescript-eslint/no-unused-vars']
        if not unused:
            continue
        t = open(res['filePath']).read()
        for m in unused:
            nm = re.match(r"'(\w+)'", m['message']).group(1)
            t = re.sub(r"^import \{ " + nm + r" \} from '[^']+';\n", '', t, flags=re.M)
            t = re.sub(r'^(import \{[^}]*?)\b' + nm + r',\s*', r'\1', t, flags=re.M)
            t = re.sub(r'^(import \{[^}]*?),\s*' + nm + r'(\s*\})', r'\1\2', t, flags=re.M)
            t = re.sub(r'^(import \{(?:[^}]*\n)*?)  ' + nm + r',\n', r'\1', t, flags=re.M)
        open(res['filePath'], 'w').write(t)
        changed = True
    if changed:
        subprocess.run(['npx', 'prettier', '--write', '--log-level', 'warn', *paths], cwd=ROOT, check=True)
    print('wrote ' + ', '.join(os.path.relpath(f, ROOT) for f in paths))


def port(branch):
    """3-way merges BRANCH's edits of the one-file interpreter into the split files of the working tree."""
    import shutil
    import tempfile

    def git(*a):
        return subprocess.run(['git', *a], cwd=ROOT, check=True, capture_output=True, text=True).stdout

    base = git('merge-base', 'HEAD', branch).strip()
    tmp = tempfile.mkdtemp(prefix='split-port-')
    scratch = os.path.join(tmp, 'scratch')
    os.makedirs(scratch)
    # a scratch copy of HEAD (config, scripts) to run the split in, with this tree's node_modules
    subprocess.run(f'git archive HEAD | tar -x -C {scratch}', cwd=ROOT, shell=True, check=True)
    os.symlink(os.path.realpath(os.path.join(ROOT, 'node_modules')), os.path.join(scratch, 'node_modules'))
    results = {}
    for name, rev in (('base', base), ('theirs', branch)):
        mono = os.path.join(tmp, name + '.ts')
        open(mono, 'w').write(git('show', f'{rev}:src/core/interpret.ts'))
        if 'export class Interp {' not in open(mono).read():
            raise SystemExit(f'{rev}: src/core/interpret.ts is not the one-file interpreter')
        subprocess.run([sys.executable, os.path.join(scratch, 'scripts', 'split-interpret.py'), mono], check=True,
                       capture_output=True)
        d = os.path.join(tmp, name)
        shutil.copytree(os.path.join(scratch, 'src', 'core', 'interp'), os.path.join(d, 'interp'))
        shutil.copy(os.path.join(scratch, 'src', 'core', 'interpret.ts'), os.path.join(d, 'interpret.ts'))
        results[name] = d
    conflicts = 0
    for f in ['interpret.ts'] + sorted('interp/' + x for x in os.listdir(os.path.join(results['theirs'], 'interp'))):
        b, t, ours = (os.path.join(results['base'], f), os.path.join(results['theirs'], f), os.path.join(CORE, f))
        if os.path.exists(b) and open(b).read() == open(t).read():
            continue
        if not os.path.exists(b):
            open(b, 'w').close()
        if not os.path.exists(ours):
            open(ours, 'w').close()
        r = subprocess.run(['git', 'merge-file', '-L', 'ours', '-L', 'base', '-L', branch, ours, b, t], cwd=ROOT)
        conflicts += max(r.returncode, 0)
        print(f'src/core/{f}: {branch} changed it; ' + (f'{r.returncode} conflict(s)' if r.returncode else 'merged'))
    shutil.rmtree(tmp)
    print(f'{conflicts} conflict(s)')


if __name__ == '__main__':
    if sys.argv[1] == '--port':
        port(sys.argv[2])
    else:
        main()
