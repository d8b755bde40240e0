// Corpus 60: k-means on RGB colours as a pixel-art tool writes it: `var` everywhere (the inner
// `for (var i …)` loops reuse the function's one `i`), `new Array(n)` filled by index, squared
// distances through a temporary array, `while (movement)` until no centroid changes
// (`newCentroid[g] != centroid[g]`), `if (!assigned.length) continue;`; the target is the mean
// brightness of each returned cluster.
// Source: VitHuang/PixelArt, Code/src/kmeans.js @ 585c1d991eed1149ce45387e57d26caabce7bdd7
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the random
// initial centroids (a sort with a Math.random comparator) are the first k points here; the
// colours and the target appended.
function firstCentroids(points, k) {
  var centroids = points.slice(0); // copy
  return centroids.slice(0, k);
}
function distance(a, b) {
  var d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  return d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
}
function closestCentroid(point, centroids) {
  var min = Infinity,
    index = 0;
  for (var i = 0; i < centroids.length; i++) {
    var dist = distance(point, centroids[i]);
    if (dist < min) {
      min = dist;
      index = i;
    }
  }
  return index;
}
function kMeans(points, k) {
  var centroids = firstCentroids(points, k);
  var assignment = new Array(points.length);
  var clusters = new Array(k);
  var movement = true;
  while (movement) {
    for (var i = 0; i < points.length; i++) {
      assignment[i] = closestCentroid(points[i], centroids);
    }
    movement = false;
    for (var j = 0; j < k; j++) {
      var assigned = [];
      for (var i = 0; i < assignment.length; i++) {
        if (assignment[i] == j) {
          assigned.push(points[i]);
        }
      }
      if (!assigned.length) {
        continue;
      }
      var centroid = centroids[j];
      var newCentroid = new Array(centroid.length);
      for (var g = 0; g < centroid.length; g++) {
        var sum = 0;
        for (var i = 0; i < assigned.length; i++) {
          sum += assigned[i][g];
        }
        newCentroid[g] = sum / assigned.length;
        if (newCentroid[g] != centroid[g]) {
          movement = true;
        }
      }
      centroids[j] = newCentroid;
      clusters[j] = assigned;
    }
  }
  return clusters;
}

const pixels = [
  [200, 30, 40],
  [20, 180, 60],
  [210, 45, 35],
  [25, 170, 80],
  [190, 60, 50],
  [40, 160, 70],
  [120, 110, 60],
];
const groups = kMeans(pixels, 2);
const brightness = (cluster) => cluster.reduce((s, p) => s + (p[0] + p[1] + p[2]) / 3, 0) / cluster.length;
const contrast = brightness(groups[0]) - 0.5 * brightness(groups[1]) + groups[0].length;
