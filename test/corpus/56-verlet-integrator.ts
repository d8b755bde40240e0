// Corpus 56: a position-Verlet integrator class that `extends` a base Integrator holding the
// simulation: `step(particles, dt)` gets the accelerations from `this.simulation`, loops with
// for…of and `continue` for fixed particles, finds each particle's derivative with
// `particles.indexOf(p)`, writes velocities and replaces `p.prevPosition` with a new object; the
// target is a particle's height after the steps.
// Source: gomnitrix/25-Graphics, particle-system/js/integrators/VerletIntegrator.js @ 300cb25deb645ab897021c39d4ea8892d8ef7c8b
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the base
// Integrator and a small simulation (gravity and linear drag, one fixed anchor) written here in
// the source's style; the particles, steps and target appended.
class Integrator {
  simulation: Simulation;
  constructor(simulation: Simulation) {
    this.simulation = simulation;
  }
}
class Simulation {
  particles: any[];
  gravity: number;
  drag: number;
  constructor(particles: any[], gravity: number, drag: number) {
    this.particles = particles;
    this.gravity = gravity;
    this.drag = drag;
  }
  update1() {
    return this.particles.map((p) => ({
      a: { x: (-this.drag * p.velocity.x) / p.mass, y: -this.gravity - (this.drag * p.velocity.y) / p.mass },
    }));
  }
}
class VerletIntegrator extends Integrator {
  constructor(simulation: Simulation) {
    super(simulation);
  }
  step(particles: any[], dt: number) {
    const derivatives = this.simulation.update1();
    for (const p of particles) {
      if (p.fixed) continue;
      const deriv = derivatives[particles.indexOf(p)];
      const ax = deriv.a.x;
      const ay = deriv.a.y;
      const newX = 2 * p.position.x - p.prevPosition.x + ax * dt * dt;
      const newY = 2 * p.position.y - p.prevPosition.y + ay * dt * dt;
      p.velocity.x = (newX - p.prevPosition.x) / (2 * dt);
      p.velocity.y = (newY - p.prevPosition.y) / (2 * dt);
      p.prevPosition = { x: p.position.x, y: p.position.y };
      p.position.x = newX;
      p.position.y = newY;
    }
  }
  name() {
    return 'Verlet';
  }
}

const ball = {
  position: { x: 0, y: 10 },
  prevPosition: { x: -0.05, y: 10 },
  velocity: { x: 5, y: 0 },
  mass: 2,
  fixed: false,
};
const anchor = { position: { x: 1, y: 1 }, prevPosition: { x: 1, y: 1 }, velocity: { x: 0, y: 0 }, mass: 1, fixed: true };
const world = new Simulation([anchor, ball], 9.81, 0.4);
const verlet = new VerletIntegrator(world);
const dt = 0.01;
for (let k = 0; k < 50; k++) verlet.step(world.particles, dt);
const height = ball.position.y + 0.1 * ball.position.x + anchor.position.y;
