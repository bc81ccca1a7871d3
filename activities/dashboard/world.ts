/**
 * The world map for the geographic page: Natural Earth 1:110m countries from `world-atlas` (TopoJSON), converted to
 * GeoJSON here with `topojson-client` so the browser needs no converter. Each feature carries its ISO 3166 alpha-2
 * code (`iso`), the key the map series joins on. Antarctica is left out; coordinates are rounded to 0.01°.
 */
import countries from 'i18n-iso-countries';

interface Feature {
  type: 'Feature';
  id?: string;
  properties: { name: string; iso: string };
  geometry: { type: string; coordinates: unknown };
}

export interface WorldGeoJson {
  type: 'FeatureCollection';
  features: Feature[];
}

/** Features world-atlas leaves without an ISO numeric id. */
const UNNUMBERED: Record<string, string> = { Kosovo: 'XK' };

type Point = [number, number];
type Ring = Point[];
type Polygon = Ring[];

const round = (ring: Ring): Ring => ring.map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100]);

/** Makes a ring continuous across the antimeridian: longitudes may then pass ±180. */
function unwrap(ring: Ring): Ring {
  let shift = 0;
  const out: Ring = [ring[0]];
  for (let i = 1; i < ring.length; i++) {
    const step = ring[i][0] + shift - out[i - 1][0];
    if (step > 180) shift -= 360;
    else if (step < -180) shift += 360;
    out.push([ring[i][0] + shift, ring[i][1]]);
  }
  return out;
}

/** Sutherland–Hodgman: the part of a closed ring on one side of the meridian x = edge. */
function clip(ring: Ring, edge: number, keepBelow: boolean): Ring {
  const inside = (p: Point) => (keepBelow ? p[0] <= edge : p[0] >= edge);
  const out: Ring = [];
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (inside(a)) out.push(a);
    if (inside(a) !== inside(b)) out.push([edge, a[1] + ((b[1] - a[1]) * (edge - a[0])) / (b[0] - a[0])]);
  }
  if (out.length > 0) out.push(out[0]);
  return out.length >= 4 ? out : [];
}

const shifted = (ring: Ring, dx: number): Ring => ring.map(([x, y]) => [x + dx, y]);

/**
 * world-atlas 2 no longer cuts shapes at the antimeridian (d3-geo clips on the sphere), but ECharts draws plane
 * coordinates: Russia and Fiji would smear across the map. Their rings are cut at ±180 into pieces on either side.
 */
function cutAtAntimeridian(polygon: Polygon): Polygon[] {
  const [outer, ...holes] = polygon;
  const ring = unwrap(outer);
  const xs = ring.map((p) => p[0]);
  const [min, max] = [Math.min(...xs), Math.max(...xs)];
  if (min >= -180 && max <= 180) return [polygon];
  const edge = max > 180 ? 180 : -180;
  const pieces = [clip(ring, edge, edge === 180), shifted(clip(ring, edge, edge !== 180), edge === 180 ? -360 : 360)];
  return pieces.filter((piece) => piece.length > 0).map((piece, i) => (i === 0 ? [piece, ...holes] : [piece]));
}

let cached: WorldGeoJson | undefined;

export function worldGeoJson(): WorldGeoJson {
  if (cached) return cached;
  const topology = require('world-atlas/countries-110m.json');
  const { feature } = require('topojson-client') as {
    feature: (topology: unknown, object: unknown) => { features: Array<Omit<Feature, 'type'>> };
  };
  const collection = feature(topology, topology.objects.countries);
  cached = {
    type: 'FeatureCollection',
    features: collection.features
      .filter((f) => f.properties.name !== 'Antarctica')
      .map((f) => {
        const polygons = (
          f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
        ) as Polygon[];
        return {
          type: 'Feature' as const,
          id: f.id,
          properties: {
            name: f.properties.name,
            // Areas without an ISO code (N. Cyprus, Somaliland) get their name: no order country matches it.
            iso: (f.id ? countries.numericToAlpha2(f.id) : UNNUMBERED[f.properties.name]) ?? f.properties.name,
          },
          geometry: {
            type: 'MultiPolygon',
            coordinates: polygons.flatMap(cutAtAntimeridian).map((polygon) => polygon.map(round)),
          },
        };
      }),
  };
  return cached;
}
