// Corpus 45: a pendulum integrated with RK4: a generic rk4(changeFunction, state, dt) built from
// `.map((e, index) => ...)` and a local arrow `scalarMultiply`, a Pendulum class whose update()
// passes an arrow capturing `this` and wraps the angle with `% (2 * Math.PI)`; the target is the
// angle after 20 steps.
// Source: EliaGorokhovsky/Double-Pendulum-Demo, Solver.js @ de342d3c7709ab353a2c768d7145ee3688bb3396
// and Pendulum.js @ 48657264e387816da2e4ed7b079f92d607203b2b (same repository).
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the two
// files joined (import/export dropped), field declarations added for TypeScript; the pendulum,
// the loop and the target appended.
function rk4(changeFunction: (s: number[]) => number[], state: number[], dt: number) {
  let scalarMultiply = (x: number) => x * dt;
  let k1 = changeFunction(state).map(scalarMultiply);
  let k2 = changeFunction(state.map((e, index) => e + k1[index] / 2)).map(scalarMultiply);
  let k3 = changeFunction(state.map((e, index) => e + k2[index] / 2)).map(scalarMultiply);
  let k4 = changeFunction(state.map((e, index) => e + k3[index])).map(scalarMultiply);
  return state.map((e, index) => e + k1[index] / 6 + k2[index] / 3 + k3[index] / 3 + k4[index] / 6);
}

class Pendulum {
  angularVelocity: number;
  length: number;
  angle: number;
  gravity: number;
  constructor(length: number, angle: number, gravity: number) {
    this.angularVelocity = 0;
    this.length = length;
    this.angle = angle;
    this.gravity = gravity;
  }
  /** RK4 step of [angle, angular velocity] */
  update(dt: number) {
    let changeFunction = (state: number[]) => [state[1], -Math.sin(state[0]) * (this.gravity / this.length)];
    let state = rk4(changeFunction, [this.angle, this.angularVelocity], dt);
    this.angle = state[0] % (2 * Math.PI);
    this.angularVelocity = state[1];
  }
}

const rodLength = 150;
const startAngle = 1.2;
const gravity = 980;
const dt = 0.01;
const p = new Pendulum(rodLength, startAngle, gravity);
for (let i = 0; i < 20; i++) p.update(dt);
const angle = p.angle;
