/**
 * @tensorflow/tfjs-core's tf.valueAndGrads on scalars over the same graph (float32: tfjs has
 * no float64). tfjs-core has no kernels of its own: a backend is needed, here
 * @tensorflow/tfjs-backend-cpu (the plain-JS CPU backend). Both are loaded at run time (not
 * bundled) so the bench builds and runs without them; load() says why tfjs is unavailable.
 */
import { ADD, DIV, EXP, MAX, MUL, SUB, TANH, type Graph } from './graph';

// Minimal structural types: the bench must type-check without tfjs installed.
export interface TfTensor {
  dataSync(): Float32Array | Int32Array | Uint8Array;
  dispose(): void;
}
interface Tf {
  version_core: string;
  scalar(x: number): TfTensor;
  add(a: TfTensor, b: TfTensor): TfTensor;
  sub(a: TfTensor, b: TfTensor): TfTensor;
  mul(a: TfTensor, b: TfTensor): TfTensor;
  div(a: TfTensor, b: TfTensor): TfTensor;
  maximum(a: TfTensor, b: TfTensor): TfTensor;
  tanh(a: TfTensor): TfTensor;
  exp(a: TfTensor): TfTensor;
  tidy<T>(fn: () => T): T;
  valueAndGrads(f: (...xs: TfTensor[]) => TfTensor): (xs: TfTensor[]) => { value: TfTensor; grads: TfTensor[] };
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  reshape(a: TfTensor, shape: number[]): TfTensor;
  neg(a: TfTensor): TfTensor;
  square(a: TfTensor): TfTensor;
  cast(a: TfTensor, dtype: 'float32'): TfTensor;
  greaterEqual(a: TfTensor, b: TfTensor): TfTensor;
  less(a: TfTensor, b: TfTensor): TfTensor;
  getGradient(kernelName: string): unknown;
  registerGradient(config: {
    kernelName: string;
    inputsToSave?: string[];
    outputsToSave?: boolean[];
    gradFunc: (dy: TfTensor, saved: TfTensor[]) => Record<string, () => TfTensor>;
  }): void;
  memory(): { numTensors: number };
  dispose(t: TfTensor | TfTensor[]): void;
}

export type TfLoad = { tf: Tf; version: string } | { error: string };

import { createRequire } from 'node:module';

/** Runtime require that esbuild leaves alone (a missing package must not break the build). */
const dynamicRequire = (name: string): unknown => createRequire(__filename)(name);

export async function loadTf(): Promise<TfLoad> {
  let tf: Tf;
  try {
    tf = dynamicRequire('@tensorflow/tfjs-core') as Tf;
  } catch {
    return { error: '@tensorflow/tfjs-core not installed (npm install --save-dev @tensorflow/tfjs-core@4.22.0)' };
  }
  try {
    dynamicRequire('@tensorflow/tfjs-backend-cpu');
  } catch {
    return {
      error:
        'no tfjs backend: tfjs-core alone has no kernels (npm install --save-dev @tensorflow/tfjs-backend-cpu@4.22.0)',
    };
  }
  try {
    await tf.setBackend('cpu');
  } catch (e) {
    return { error: `tfjs cpu backend failed: ${(e as Error).message}` };
  }
  registerGradients(tf);
  return { tf, version: tf.version_core };
}

/**
 * tfjs-core's CommonJS (Node) bundle does not register gradient functions: the full
 * @tensorflow/tfjs package does that by importing tfjs-core's ESM register_all_gradients,
 * which plain Node cannot require. So we register the seven we need, transcribed from
 * tfjs-core 4.22's src/gradients/{Add,Sub,Multiply,RealDiv,Tanh,Exp,Maximum}_grad.ts
 * (scalars: the broadcast reductions are no-ops and left out; the reshapes and casts stay).
 */
function registerGradients(tf: Tf): void {
  const binary = (
    kernelName: string,
    da: (dy: TfTensor, a: TfTensor, b: TfTensor) => TfTensor,
    db: (dy: TfTensor, a: TfTensor, b: TfTensor) => TfTensor,
  ) => {
    if (tf.getGradient(kernelName)) return;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({ a: () => da(dy, a, b), b: () => db(dy, a, b) }),
    });
  };
  const unaryOut = (kernelName: string, dx: (dy: TfTensor, y: TfTensor) => TfTensor) => {
    if (tf.getGradient(kernelName)) return;
    tf.registerGradient({ kernelName, outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => dx(dy, y) }) });
  };
  binary(
    'Add',
    (dy) => tf.reshape(dy, []),
    (dy) => tf.reshape(dy, []),
  );
  binary(
    'Sub',
    (dy) => tf.reshape(dy, []),
    (dy) => tf.reshape(tf.neg(dy), []),
  );
  binary(
    'Multiply',
    (dy, _a, b) => tf.mul(dy, tf.cast(b, 'float32')),
    (dy, a) => tf.mul(dy, tf.cast(a, 'float32')),
  );
  binary(
    'RealDiv',
    (dy, _a, b) => tf.div(dy, tf.cast(b, 'float32')),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, tf.cast(a, 'float32')), tf.cast(tf.square(b), 'float32'))),
  );
  binary(
    'Maximum',
    (dy, a, b) => tf.mul(dy, tf.cast(tf.greaterEqual(a, b), 'float32')),
    (dy, a, b) => tf.mul(dy, tf.cast(tf.less(a, b), 'float32')),
  );
  unaryOut('Tanh', (dy, y) => tf.mul(tf.sub(tf.scalar(1), tf.square(y)), dy));
  unaryOut('Exp', (dy, y) => tf.mul(dy, y));
}

export interface TfResult {
  value: number;
  grads: Float32Array;
}

/** One forward+backward: the root value and d root / d input for every input (in g.inputs order). */
export function tfValueAndGrads(tf: Tf, g: Graph): TfResult {
  const { op, a, b, inputs } = g;
  const f = (...xs: TfTensor[]): TfTensor => {
    const t: TfTensor[] = new Array(g.n);
    for (let k = 0; k < inputs.length; k++) t[inputs[k]] = xs[k];
    for (let i = 0; i < g.n; i++) {
      switch (op[i]) {
        case ADD:
          t[i] = tf.add(t[a[i]], t[b[i]]);
          break;
        case SUB:
          t[i] = tf.sub(t[a[i]], t[b[i]]);
          break;
        case MUL:
          t[i] = tf.mul(t[a[i]], t[b[i]]);
          break;
        case DIV:
          t[i] = tf.div(t[a[i]], t[b[i]]);
          break;
        case MAX:
          t[i] = tf.maximum(t[a[i]], t[b[i]]);
          break;
        case TANH:
          t[i] = tf.tanh(t[a[i]]);
          break;
        case EXP:
          t[i] = tf.exp(t[a[i]]);
          break;
        default:
          break; // leaves are the inputs
      }
    }
    return t[g.root];
  };
  return tf.tidy(() => {
    const xs = Array.from(inputs, (i) => tf.scalar(g.leafValue[i]));
    const { value, grads } = tf.valueAndGrads(f)(xs);
    const out = new Float32Array(grads.length);
    for (let k = 0; k < grads.length; k++) out[k] = grads[k].dataSync()[0];
    return { value: value.dataSync()[0], grads: out };
  });
}
