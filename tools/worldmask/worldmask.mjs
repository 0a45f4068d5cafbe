// worldmask.mjs derives kvdo's embedded land mask from Natural Earth's
// 1:110m land polygons (the npm package world-atlas, public domain).
//
//   npm ci && npm run build        (writes ../../tui/player/worldmask.bin)
//
// The mask is an equirectangular grid of W x H cells of 1 degree: row 0 is
// the band from 90N to 89N, column 0 the band from 180W to 179W. A cell is
// land when at least a quarter of a 4x4 grid of sample points inside it
// falls on land, so thin islands (Britain, Japan, New Zealand) survive.
// File format: the ASCII line "worldmask W H\n", then W*H bits, row by
// row, most significant bit first, the last byte padded with zeros.
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { feature } from "topojson-client";

const W = 360, H = 180, SUB = 4, THRESHOLD = 4;
const out = process.argv[2];
if (!out) {
  console.error("usage: node worldmask.mjs OUT.bin");
  process.exit(2);
}

const require = createRequire(import.meta.url);
const topo = JSON.parse(readFileSync(require.resolve("world-atlas/land-110m.json"), "utf8"));
const land = feature(topo, topo.objects.land);

// Rings that cross the antimeridian (Fiji, Chukotka, Wrangel Island) jump
// from +180 to -180 between two points; unwrapped, their longitudes run on
// past 180 so that every edge is short, and a point is tested at lon and
// lon +/- 360. A ring around a pole (Antarctica) is closed along the pole.
function unwrap(r) {
  const out = [[r[0][0], r[0][1]]];
  let off = 0, latSum = r[0][1];
  for (let i = 1; i < r.length; i++) {
    const d = r[i][0] - r[i - 1][0];
    if (d > 180) off -= 360;
    else if (d < -180) off += 360;
    out.push([r[i][0] + off, r[i][1]]);
    latSum += r[i][1];
  }
  const last = out[out.length - 1];
  if (Math.abs(last[0] - out[0][0]) > 180) {
    const pole = latSum < 0 ? -90 : 90;
    out.push([last[0], pole], [out[0][0], pole]);
  }
  return out;
}

// Every ring of every polygon; even-odd over all of them treats holes
// (inner rings) correctly without telling outer from inner.
const rings = [];
for (const f of land.features) {
  const g = f.geometry;
  const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  for (const p of polys) for (const r of p) rings.push(unwrap(r));
}
// Bounding boxes let most rings be skipped per sample point.
const boxes = rings.map((r) => {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [x, y] of r) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x);
    y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  return [x0, x1, y0, y1];
});

function onLand(lon, lat) {
  return insideAt(lon, lat) || insideAt(lon + 360, lat) || insideAt(lon - 360, lat);
}

function insideAt(lon, lat) {
  let inside = false;
  for (let k = 0; k < rings.length; k++) {
    const [x0, x1, y0, y1] = boxes[k];
    if (lon < x0 || lon > x1 || lat < y0 || lat > y1) continue;
    const r = rings[k];
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [xi, yi] = r[i], [xj, yj] = r[j];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
  }
  return inside;
}

const header = Buffer.from(`worldmask ${W} ${H}\n`, "ascii");
const bits = Buffer.alloc(Math.ceil((W * H) / 8));
let landCells = 0;
for (let row = 0; row < H; row++) {
  for (let col = 0; col < W; col++) {
    let hits = 0;
    for (let sy = 0; sy < SUB; sy++) {
      for (let sx = 0; sx < SUB; sx++) {
        const lon = -180 + (col * 360) / W + ((sx + 0.5) * 360) / (W * SUB);
        const lat = 90 - (row * 180) / H - ((sy + 0.5) * 180) / (H * SUB);
        if (onLand(lon, lat)) hits++;
      }
    }
    if (hits >= THRESHOLD) {
      const i = row * W + col;
      bits[i >> 3] |= 0x80 >> (i & 7);
      landCells++;
    }
  }
}
// Written beside the target and renamed, so a failed run leaves no half file.
const tmp = out + ".tmp";
writeFileSync(tmp, Buffer.concat([header, bits]));
renameSync(tmp, out);
console.log(`${out}: ${W}x${H} cells, ${landCells} land (${((100 * landCells) / (W * H)).toFixed(1)}%)`);
