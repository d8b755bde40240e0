// Corpus 58: an Adam optimizer class whose constructor merges `Partial<Adam>` options into the
// instance with `Object.assign(this, params)` over readonly field defaults, private moment
// fields, `this.iteration++` and bias correction with Math.pow; it minimises a Rosenbrock-like
// function of two parameters, each with its own optimizer; the target is the final objective.
// Source: sauber/etoro-copy-trading, src/optimize/adam.ts @ 2392afb109ae5516634b799a8dfa49ed3acae807
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export` dropped; the
// `implements Optimizer` import dropped; the objective, its hand-written gradient, the loop and
// the target appended.
class Adam {
  public readonly learningRate: number = 0.1;
  public readonly beta1: number = 0.9;
  public readonly beta2: number = 0.99;
  public readonly epsilon: number = 1e-8;
  private m = 0;
  private v = 0;
  private iteration = 0;

  constructor(params: Partial<Adam> = {}) {
    Object.assign(this, params);
  }

  /** By how much to increment value */
  update(grad: number): number {
    this.iteration++;
    this.m = this.beta1 * this.m + (1 - this.beta1) * grad;
    this.v = this.beta2 * this.v + (1 - this.beta2) * grad * grad;
    const mHat = this.m / (1 - Math.pow(this.beta1, this.iteration));
    const vHat = this.v / (1 - Math.pow(this.beta2, this.iteration));
    const update = (this.learningRate * mHat) / (Math.sqrt(vHat) + this.epsilon);
    return -update;
  }
}

const a = 1;
const bScale = 5;
const f = (x: number, y: number) => (a - x) ** 2 + bScale * (y - x * x) ** 2;
let px = -1.2;
let py = 1;
const ox = new Adam({ learningRate: 0.05 });
const oy = new Adam({ learningRate: 0.05, beta1: 0.8 });
for (let i = 0; i < 40; i++) {
  const gx = -2 * (a - px) - 4 * bScale * px * (py - px * px);
  const gy = 2 * bScale * (py - px * px);
  px += ox.update(gx);
  py += oy.update(gy);
}
const objective = f(px, py);
