// Corpus 33: a damped spring integrated with explicit Euler steps in a while loop, positions
// pushed as objects; the target is the last position.
// Source: jyunhanlin/js-playground, snippet/springLoop.js @ 8ec93bf017c1aebd0bbe646573641ad4509ddbbf
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: only the
// damped variant (loop2) kept, types added; inputs and target appended.
const loop2 = (stiffness: number, mass: number, damping: number) => {
  /* Spring length, 1 for simplicity */
  let springLength = 1;
  /* Object position and velocity */
  let x = 2;
  let v = 0;
  /* Spring stiffness and damping, as forces per unit */
  let k = -stiffness;
  let d = -damping;
  /* 60 frames per second */
  let frameRate = 1 / 60;
  let positions = [];
  let i = 0;
  /* 600 frames, i.e. 10 s */
  while (i < 600) {
    let Fspring = k * (x - springLength);
    let Fdamping = d * v;
    let a = (Fspring + Fdamping) / mass;
    v += a * frameRate;
    x += v * frameRate;
    i++;
    positions.push({ position: x, frame: i });
  }
  return positions;
};

const stiffness = 20;
const mass = 1.5;
const damping = 0.8;
const positions = loop2(stiffness, mass, damping);
const last = positions[positions.length - 1].position;
