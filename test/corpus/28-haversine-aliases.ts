// Corpus 28: haversine distance with Math functions aliased to constants (const sin = Math.sin),
// small helpers, and `a.latitude || a.lat` fallbacks on objects.
// Source: exoen/MMM-StavangerCityBike, haversine-distance.js @ 6852c3c158f06362f84fd6f7f5c8f30af7c12e83
// (itself a copy of the MIT-licensed npm package haversine-distance, (c) 2015 Daniel Cousens)
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: types added
// (the objects are typed loosely so that the fallbacks type-check); inputs and target appended.
const asin = Math.asin;
const cos = Math.cos;
const sin = Math.sin;
const sqrt = Math.sqrt;
const PI = Math.PI;

// equatorial mean radius of Earth (in meters)
const R = 6378137;

function squared(x: number) {
  return x * x;
}
function toRad(x: number) {
  return (x * PI) / 180.0;
}
function hav(x: number) {
  return squared(sin(x / 2));
}

type LatLon = { latitude?: number; lat?: number; longitude?: number; lng?: number; lon?: number };

// hav(theta) = hav(bLat - aLat) + cos(aLat) * cos(bLat) * hav(bLon - aLon)
function haversineDistance(a: LatLon, b: LatLon) {
  const aLat = toRad((a.latitude || a.lat)!);
  const bLat = toRad((b.latitude || b.lat)!);
  const aLng = toRad((a.longitude || a.lng || a.lon)!);
  const bLng = toRad((b.longitude || b.lng || b.lon)!);
  const ht = hav(bLat - aLat) + cos(aLat) * cos(bLat) * hav(bLng - aLng);
  return 2 * R * asin(sqrt(ht));
}

const stavanger: LatLon = { lat: 58.97, lon: 5.7331 };
const sandnes: LatLon = { latitude: 58.8517, lng: 5.7361 };
const meters = haversineDistance(stavanger, sandnes);
