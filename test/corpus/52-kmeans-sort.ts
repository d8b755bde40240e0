// Corpus 52: k-means in a web worker's style: every point maps the centroids to
// `{ cluster, distance }` objects (a curried helper), sorts them by distance with a named
// comparator function and takes `[0]`; clusters are rebuilt with `Array.from({ length }, f)` and
// a reduce from `{ x: 0, y: 0 }`; the target is a weighted sum of the final centroids.
// Source: patrykwlazlowicz/js-cluster, cluster-worker.js @ 0d546e2c73b4db144db650c8739622b8d2c12557
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the random
// initial centroids (Math.random) and the worker message are fixed initial centroids and points
// here; 3 iterations instead of 20; the target appended.
function distance(p1, p2) {
  return Math.sqrt(Math.pow(p1.x - p2.x, 2) + Math.pow(p1.y - p2.y, 2));
}
function mapToDistanceToClusterForPoint(point) {
  return (clusterPoint, idx) => {
    return { cluster: idx, distance: distance(clusterPoint, point) };
  };
}
function sortDistanceToCluster(rhs, lhs) {
  return rhs.distance - lhs.distance;
}
function reduceToSumOfPointCoords(prev, current) {
  return { x: prev.x + current.x, y: prev.y + current.y };
}
function kmeans(points, initial, iterations) {
  let clusters = initial;
  for (let i = 0; i < iterations; ++i) {
    const pointsInCluster = Array.from({ length: clusters.length }, () => []);
    for (let point of points) {
      const closest = clusters.map(mapToDistanceToClusterForPoint(point)).sort(sortDistanceToCluster)[0];
      pointsInCluster[closest.cluster].push(point);
    }
    clusters = Array.from({ length: clusters.length }, (v, idx) => {
      const sumOfCoords = pointsInCluster[idx].reduce(reduceToSumOfPointCoords, { x: 0, y: 0 });
      return { x: sumOfCoords.x / pointsInCluster[idx].length, y: sumOfCoords.y / pointsInCluster[idx].length };
    });
  }
  return clusters;
}

const points = [
  { x: 1.0, y: 1.2 },
  { x: 1.5, y: 0.8 },
  { x: 0.7, y: 1.9 },
  { x: 5.2, y: 4.8 },
  { x: 6.1, y: 5.5 },
  { x: 5.6, y: 6.3 },
  { x: 2.9, y: 3.1 },
];
const start = [
  { x: 0, y: 0 },
  { x: 8, y: 8 },
];
const result = kmeans(points, start, 3);
const score = result[0].x + 2 * result[0].y + 3 * result[1].x - result[1].y;
