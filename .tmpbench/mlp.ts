const SAMPLES = 32;
const SIZES = [4, 16, 16, 1];

interface Net {
  X: number[][];
  T: number[];
  W: number[][][];
  b: number[][];
}

/** Fixed pseudo-random literals (an LCG), three decimals: the file and the oracle use the same numbers. */
function makeNet(): Net {
  let seed = 12345;
  const rnd = (scale: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Number((((seed / 2147483648) * 2 - 1) * scale).toFixed(3));
  };
  const mat = (r: number, c: number, s: number) =>
    Array.from({ length: r }, () => Array.from({ length: c }, () => rnd(s)));
  const X = mat(SAMPLES, SIZES[0], 1);
  const T = Array.from({ length: SAMPLES }, () => rnd(1));
  const W: number[][][] = [];
  const b: number[][] = [];
  for (let l = 1; l < SIZES.length; l++) {
    W.push(mat(SIZES[l], SIZES[l - 1], 1 / Math.sqrt(SIZES[l - 1])));
    b.push(Array.from({ length: SIZES[l] }, () => rnd(0.1)));
  }
  return { X, T, W, b };
}

const lit = (v: unknown): string =>
  Array.isArray(v)
    ? Array.isArray(v[0])
      ? `[\n${v.map((r) => `  ${lit(r)},`).join('\n')}\n]`
      : `[${v.join(', ')}]`
    : String(v);

function mlpFile(net: Net): string {
  return [
    `// MLP ${SIZES.join('-')} on a minibatch of ${SAMPLES} (the vector view's scale benchmark).`,
    `const X = ${lit(net.X)};`,
    `const T = ${lit(net.T)};`,
    ...net.W.flatMap((W, l) => [`const W${l + 1} = ${lit(W)};`, `const b${l + 1} = ${lit(net.b[l])};`]),
    '',
    'const relu = (v: number) => Math.max(0, v);',
    'const dense = (W: number[][], x: number[], b: number[]) =>',
    '  W.map((row, i) => row.reduce((s, w, j) => s + w * x[j], b[i]));',
    '',
    'let loss = 0;',
    'for (let s = 0; s < X.length; s++) {',
    '  const z1 = dense(W1, X[s], b1);',
    '  const h1 = z1.map(relu);',
    '  const z2 = dense(W2, h1, b2);',
    '  const h2 = z2.map(relu);',
    '  const y = dense(W3, h2, b3);',
    '  const d = y[0] - T[s];',
    '  loss += d * d;',
    '}',
    'const mse = loss / X.length;',
    '',
    'export {};',
    '',
  ].join('\n');
}


export const net = makeNet();
export const text = mlpFile(net);
