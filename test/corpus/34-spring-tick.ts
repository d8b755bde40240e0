// Corpus 34: a spring object built with `options.x || default` fallbacks and mutated in place by
// a tick function. (The starting speed is not 0: `options.speed || 0` at speed 0 would take the
// literal 0, where define-by-run gives gradient 0 while the function's true derivative is not 0.)
// Source: gordonbrander/boing, spring.js @ 4f2e320c6f48df2a42ce5e38c99a6a7123eed995
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: types added,
// isSpringAtRest dropped; inputs and target appended.
type Spring = { distance: number; mass: number; stiffness: number; friction: number; speed: number };

function spring(options: Partial<Spring>): Spring {
  /* A new spring; any property can be overridden by options. */
  return {
    distance: options.distance || 0,
    mass: options.mass || 0,
    stiffness: options.stiffness || 0,
    friction: options.friction || 1,
    speed: options.speed || 0,
  };
}

function tickSpring(spring: Spring) {
  /* Mutates a spring to its next state. */
  var dampingForce = -1 * spring.friction * spring.speed;
  var springForce = -1 * spring.stiffness * spring.distance;
  var totalForce = springForce + dampingForce;
  var acceleration = totalForce / spring.mass;
  spring.speed += acceleration;
  spring.distance += spring.speed / 100;
  return spring;
}

const options = { distance: 10, mass: 2, stiffness: 0.5, friction: 0.3, speed: 0.4 };
const s = spring(options);
tickSpring(s);
tickSpring(s);
tickSpring(s);
const distanceAfter = s.distance;
