import fs from 'node:fs';
import { parseTarget } from './src/parse';
import { evaluate } from './src/core';
import { inlineLines, fitSegments, joinSegments, outputName } from './src/host/inlineText';
const files: [string, string, string?][] = [['network.ts', 'loss'], ['neuron.ts', 'out2'], ['simple.ts', 'f']];
for (const [f, name] of files) {
  const text = fs.readFileSync('examples/' + f, 'utf8');
  const p = parseTarget({ text, fileName: f, name });
  const ev = evaluate(p);
  const src = text.split('\n');
  const out = outputName(p);
  for (const l of inlineLines(ev, { show: 'both', precision: 4 }, text)) {
    const w = src[l.line - 1].length;
    const t90 = joinSegments(fitSegments(l.items, out, { show: 'both', precision: 4 }, Math.max(1, 90 - w - 3)).segments);
    const t60 = joinSegments(fitSegments(l.items, out, { show: 'both', precision: 4 }, Math.max(1, 60 - w - 3)).segments);
    if (t90 !== t60) console.log(f, l.line, JSON.stringify(t90), '->', JSON.stringify(t60));
  }
}
