/**
 * `npm run bench` (= node scripts/build.mjs && node --expose-gc dist/bench.js [section ...] [--opt=value ...])
 *
 * Runs the sections of bench/sections/index.ts (all, or those named on the command line),
 * prints their tables and a PASS/MISS summary against the targets. A benchmark, not a test:
 * exits 0 whether targets pass or miss; exits 1 only if the engines DISAGREE on the numbers
 * (then the timings would compare different work and are not printed).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { SECTIONS } from './sections';
import type { BenchContext, Check } from './sections/types';
import { hasGc, table } from './lib/timing';

async function main(): Promise<number> {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const options: Record<string, string> = {};
  for (const a of process.argv.slice(2)) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) options[m[1]] = m[2] ?? 'true';
  }
  const unknown = names.filter((n) => !SECTIONS.some((s) => s.id === n));
  if (unknown.length > 0) {
    console.error(`unknown section(s): ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.id).join(', ')}`);
    return 2;
  }
  const ctx: BenchContext = { options, log: (line = '') => console.log(line) };
  if (!hasGc) ctx.log('note: run with node --expose-gc (npm run bench does) for GC-clean timings and heap numbers');
  const cpu = /model name\s*:\s*(.*)/.exec(readCpuinfo())?.[1] ?? 'unknown CPU';
  ctx.log(`Gradient Lens bench: node ${process.version}, ${cpu}, ${cpus().length} cores`);
  const started = performance.now();
  const checks: Array<Check & { section: string }> = [];
  let verified = true;
  for (const s of SECTIONS.filter((x) => names.length === 0 || names.includes(x.id))) {
    ctx.log(`\n## ${s.title} [${s.id}]\n`);
    const r = await s.run(ctx);
    verified &&= r.verified;
    for (const c of r.checks) checks.push({ ...c, section: s.id });
  }
  ctx.log('\n## Targets\n');
  ctx.log(
    table(
      ['target', 'measured', 'target', 'result'],
      checks.map((c) => [`${c.section}: ${c.name}`, c.measured, c.target, c.ok ? 'PASS' : 'MISS']),
    ),
  );
  ctx.log(
    `\ntotal bench time ${((performance.now() - started) / 1000).toFixed(1)} s` +
      (verified ? '' : '\nENGINES DISAGREE: see above; timings not comparable'),
  );
  return verified ? 0 : 1;
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
