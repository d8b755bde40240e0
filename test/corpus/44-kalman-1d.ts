// Corpus 44: a one-dimensional Kalman filter: default parameters (A = 1, B = 0, u = []),
// `u == undefined || u.length == 0`, `new Array(n + 1)` filled by index, a loop from 1 to n, and
// `estimation.shift()` before returning; the target is the last filtered estimate.
// Source: kuntoro-adi/1d-kalman, onedkalman.js @ 4d77f98d88c3f9729be8fecd91f0b4a882dc9391
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the source
// assigns priorEstimation and priorP without declaring them (implicit globals in sloppy mode, a
// ReferenceError in strict code): declared with `var` here; the measurements, parameters and
// target appended.
function onedkalman(measurementData, initialMeasurement, initialP, Q, R, A = 1, B = 0, u = []) {
  var numIteration = measurementData.length;
  // + 1 for the initial value
  var estimation = new Array(measurementData.length + 1);
  var P = new Array(measurementData.length + 1);
  estimation[0] = initialMeasurement;
  P[0] = initialP;
  var KalmanGain = 0;
  // the control variable u is undefined or has an inappropriate length
  if (u == undefined || u.length == 0 || u.length != measurementData.length) {
    u = new Array(measurementData.length);
    for (var j = 0; j < u.length; j++) u[j] = 0;
  }
  for (var i = 1; i <= numIteration; i++) {
    // prediction
    var priorEstimation = A * estimation[i - 1] + B * u[i - 1];
    var priorP = P[i - 1];
    // correction
    KalmanGain = priorP / (priorP + R);
    estimation[i] = priorEstimation + KalmanGain * (measurementData[i - 1] - priorEstimation);
    P[i] = (1 - KalmanGain) * priorP;
  }
  // drop the initial condition
  estimation.shift();
  P.shift();
  return estimation;
}

const measurements = [1.1, 0.9, 1.3, 1.05, 0.95];
const x0 = 0.5;
const p0 = 1;
const q = 0.01;
const r = 0.2;
const estimates = onedkalman(measurements, x0, p0, q, r);
const last = estimates[estimates.length - 1];
