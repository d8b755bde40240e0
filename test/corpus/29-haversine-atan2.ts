// Corpus 29: haversine distance with Math.atan2, module-level constants, and the function itself
// as the target (its four number parameters are free inputs given by value).
// Source: davalapar/database, src/haversine.js @ d9d1affcf11ed8cb927a9af0863eb6266b664d9e
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted:
// module.exports dropped, types added.
const degreesToRadiansMultiplier = Math.PI / 180;
const earthRadius = 6371e3;

/** Haversine: https://www.movable-type.co.uk/scripts/latlong.html */
const haversine = (lat1: number, lon1: number, lat2: number, lon2: number) => {
  // latitudes in radians
  const lat1r = lat1 * degreesToRadiansMultiplier;
  const lat2r = lat2 * degreesToRadiansMultiplier;
  // half the latitude and longitude differences
  const latdh = ((lat2 - lat1) * degreesToRadiansMultiplier) / 2;
  const londh = ((lon2 - lon1) * degreesToRadiansMultiplier) / 2;
  // square of half the chord length between the points
  const x = Math.sin(latdh) * Math.sin(latdh) + Math.cos(lat1r) * Math.cos(lat2r) * Math.sin(londh) * Math.sin(londh);
  // earth radius * angular distance in radians
  return earthRadius * (2 * Math.atan2(Math.sqrt(x), Math.sqrt(1 - x)));
};
