// Corpus 38: a TypeScript micrograd, engine and network: a Value class (optional params object
// with ?. and ??, a private helper, add/sub/mul/pow/tanh with backward closures never called here),
// and Module/Neuron/Layer/MLP classes with extends/super, initialised fields, for...of, push(...spread)
// and [nin, ...nouts]; the target is the data of a squared-error loss over two samples.
// Source: trekhleb/micrograd-ts, micrograd/engine.ts @ 796a430adcdace5f8b3284d78e1c67742a7fa23c
// and micrograd/nn.ts @ 0869f4a1e19b6436513a6da8418c02e322cb1871
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: only the Value
// methods the network uses (no div/exp/relu, no topological backward()); the random weights
// (Math.random() * 2 - 1) come from a top-level array in creation order; console.log and `export`
// dropped; the samples, loss and target appended.
type ValueParams = { op?: string; label?: string; prev?: Value[] };

// A scalar and its gradient.
class Value {
  data: number;
  grad: number = 0;
  label: string;
  prev: Value[];
  op: string | null;

  constructor(data: number, params: ValueParams = {}) {
    this.data = data;
    this.op = params?.op ?? null;
    this.label = params?.label ?? '';
    this.prev = params?.prev ?? [];
  }

  private toVal(v: Value | number): Value {
    return typeof v === 'number' ? new Value(v) : v;
  }

  private backwardStep() {}

  add(v: Value | number): Value {
    const other = this.toVal(v);
    const out = new Value(this.data + other.data, { prev: [this, other], op: '+' });
    out.backwardStep = () => {
      this.grad += 1 * out.grad;
      other.grad += 1 * out.grad;
    };
    return out;
  }

  sub(v: Value | number): Value {
    const other = this.toVal(v);
    const out = new Value(this.data - other.data, { prev: [this, other], op: '-' });
    out.backwardStep = () => {
      this.grad += 1 * out.grad;
      other.grad += -1 * out.grad;
    };
    return out;
  }

  mul(v: Value | number): Value {
    const other = this.toVal(v);
    const out = new Value(this.data * other.data, { prev: [this, other], op: '*' });
    out.backwardStep = () => {
      this.grad += other.data * out.grad;
      other.grad += this.data * out.grad;
    };
    return out;
  }

  pow(other: number): Value {
    if (typeof other !== 'number') throw new Error('Only supporting int/float powers');
    const out = new Value(this.data ** other, { prev: [this], op: '^' });
    out.backwardStep = () => {
      this.grad += other * this.data ** (other - 1) * out.grad;
    };
    return out;
  }

  tanh(): Value {
    const out = new Value(Math.tanh(this.data), { prev: [this], op: 'tanh' });
    out.backwardStep = () => (this.grad += (1 - out.data ** 2) * out.grad);
    return out;
  }
}

const initialWeights = [0.5, -0.3, 0.1, 0.8, -0.6, 0.2, 0.4, -0.7, 0.05, 0.9, -0.2, 0.3, 0.15];
let next = 0;
const nextWeight = () => initialWeights[next++];

class Module {
  zeroGrad() {
    for (const p of this.parameters()) p.grad = 0;
  }
  parameters(): Value[] {
    return [];
  }
}

class Neuron extends Module {
  w: Value[] = [];
  b: Value;

  constructor(nin: number) {
    super();
    for (let i = 0; i < nin; i++) {
      const wi = new Value(nextWeight());
      this.w.push(wi);
    }
    this.b = new Value(nextWeight());
  }

  // w * x + b
  forward(x: Value[]): Value {
    if (!x.length) throw new Error('Empty x');
    let act = x[0].mul(this.w[0]);
    for (let i = 1; i < x.length; i++) {
      act = act.add(x[i].mul(this.w[i]));
    }
    act = act.add(this.b);
    return act.tanh();
  }

  parameters(): Value[] {
    return [...this.w, this.b];
  }
}

class Layer extends Module {
  neurons: Neuron[] = [];

  constructor(nin: number, nout: number) {
    super();
    for (let i = 0; i < nout; i++) this.neurons.push(new Neuron(nin));
  }

  forward(x: Value[]): Value[] {
    const outs: Value[] = [];
    for (const neuron of this.neurons) outs.push(neuron.forward(x));
    return outs;
  }

  parameters(): Value[] {
    const params: Value[] = [];
    for (const neuron of this.neurons) params.push(...neuron.parameters());
    return params;
  }
}

class MLP extends Module {
  layers: Layer[] = [];

  constructor(nin: number, nouts: number[]) {
    super();
    const sz = [nin, ...nouts];
    for (let i = 0; i < nouts.length; i++) {
      this.layers.push(new Layer(sz[i], sz[i + 1]));
    }
  }

  forward(xin: Value[]): Value[] {
    let xout = [...xin];
    for (const layer of this.layers) xout = layer.forward(xout);
    return xout;
  }

  parameters(): Value[] {
    const params: Value[] = [];
    for (const layer of this.layers) params.push(...layer.parameters());
    return params;
  }
}

const xs = [
  [2.0, -1.0],
  [0.5, 1.5],
];
const ys = [1.0, -1.0];
const model = new MLP(2, [3, 1]);
const preds = xs.map((x) => model.forward(x.map((xi) => new Value(xi)))[0]);
const loss = preds.reduce((acc, p, i) => acc.add(p.sub(ys[i]).pow(2)), new Value(0));
const total = loss.data;
