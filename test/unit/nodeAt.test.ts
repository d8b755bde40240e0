import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTarget } from '../../src/parse';
import { nodeAtOffset } from '../../src/host/nodeAt';

describe('host: editor cursor → graph node', () => {
  const text = readFileSync(join(__dirname, '../../examples/network.ts'), 'utf8');
  const at = text.indexOf('const loss');
  const program = parseTarget({ text, selection: { start: at, end: at } });

  it('a cursor on a helper call selects the folded call (its result), not a node of the helper body', () => {
    const call = text.indexOf('sigmoid(x1 * w11');
    const id = nodeAtOffset(program, call + 2)!;
    const frame = program.frames.find((f) => f.result === id);
    assert.ok(frame, 'not a call result');
    assert.equal(frame.fn, 'sigmoid');
    assert.equal(program.nodes[id].name, 'h1');
  });

  it('a cursor inside an argument selects the innermost node there', () => {
    const w11 = text.indexOf('x1 * w11') + 'x1 * w'.length;
    const id = nodeAtOffset(program, w11)!;
    assert.equal(program.nodes[id].kind, 'op');
    assert.equal(program.nodes[id].label, 'x1 * w11');
  });

  it('a cursor in the target selects its innermost gate; outside every node gives null', () => {
    const y1 = text.indexOf('(y1 - t1)') + 2;
    assert.equal(program.nodes[nodeAtOffset(program, y1)!].label, 'y1 - t1');
    assert.equal(nodeAtOffset(program, 0), null);
  });
});
