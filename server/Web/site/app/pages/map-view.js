// The grid map's geometry and its pan and zoom: GeoJSON [lon, lat] drawn in an equirectangular projection scaled by the
// cosine of the map's middle latitude (so a village keeps its shape at Jinan's 36.7° N), panned by drag, zoomed by the
// wheel and by pinching; the SVG's viewBox is the view, so the drawing itself never changes.
const NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v === true ? '' : v);
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// The outer and inner rings of a Polygon or MultiPolygon, or none.
export function rings(boundary) {
  if (!boundary || !Array.isArray(boundary.coordinates)) return [];
  if (boundary.type === 'Polygon') return boundary.coordinates;
  if (boundary.type === 'MultiPolygon') return boundary.coordinates.flat(1);
  return [];
}

// The centroid of a boundary's outer rings (the mean of their positions, the closing one left out): [lon, lat] or null.
export function centroid(boundary) {
  const outer = boundary?.type === 'MultiPolygon' ? boundary.coordinates.map(p => p[0]) : boundary?.type === 'Polygon' ? [boundary.coordinates[0]] : [];
  const points = outer.flatMap(r => r.slice(0, -1));
  if (points.length === 0) return null;
  return [points.reduce((a, p) => a + p[0], 0) / points.length, points.reduce((a, p) => a + p[1], 0) / points.length];
}

// The projection for a set of [lon, lat] positions: [x, y] in degrees of latitude, north up.
export function projection(positions) {
  const lats = positions.map(p => p[1]);
  const mid = lats.length ? (lowest(lats) + highest(lats)) / 2 : 36.7;
  const k = Math.cos(mid * Math.PI / 180);
  return ([lon, lat]) => [lon * k, -lat];
}

// An SVG path of rings (holes cut out by the even-odd rule).
export function pathOf(ringList, project) {
  return ringList.map(r => 'M' + r.map(p => project(p).map(n => n.toFixed(6)).join(',')).join('L') + 'Z').join('');
}

// Pan and zoom of an SVG by its viewBox. onScale(unitsPerPixel) runs after every change, for sizes meant in screen pixels.
export function panZoom(svg, onScale) {
  let box = { x: 0, y: 0, w: 1, h: 1 };
  let moved = 0;
  const pointers = new Map();

  const apply = next => {
    box = next;
    svg.setAttribute('viewBox', `${box.x} ${box.y} ${box.w} ${box.h}`);
    onScale(unitsPerPixel());
  };
  const unitsPerPixel = () => {
    const r = svg.getBoundingClientRect();
    return r.width && r.height ? Math.max(box.w / r.width, box.h / r.height) : box.w / 800;
  };
  const toUnits = (clientX, clientY) => {
    const m = svg.getScreenCTM();
    if (!m) return { x: box.x + box.w / 2, y: box.y + box.h / 2 };
    const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  };
  const zoomAt = (factor, clientX, clientY) => {
    const c = clientX === undefined ? { x: box.x + box.w / 2, y: box.y + box.h / 2 } : toUnits(clientX, clientY);
    apply({ x: c.x - (c.x - box.x) * factor, y: c.y - (c.y - box.y) * factor, w: box.w * factor, h: box.h * factor });
  };

  svg.addEventListener('wheel', e => { e.preventDefault(); zoomAt(Math.exp(e.deltaY * 0.0015), e.clientX, e.clientY); }, { passive: false });
  svg.addEventListener('pointerdown', e => { pointers.set(e.pointerId, { x: e.clientX, y: e.clientY }); if (pointers.size === 1) moved = 0; });
  svg.addEventListener('pointermove', e => {
    const last = pointers.get(e.pointerId);
    if (!last) return;
    if (pointers.size === 1) {
      const dx = e.clientX - last.x, dy = e.clientY - last.y;
      moved += Math.abs(dx) + Math.abs(dy);
      // Captured only once it is a drag: a plain click still reaches the village under it.
      if (moved > 4 && !svg.hasPointerCapture(e.pointerId)) svg.setPointerCapture(e.pointerId);
      const u = unitsPerPixel();
      if (moved > 4) apply({ ...box, x: box.x - dx * u, y: box.y - dy * u });
    } else if (pointers.size === 2) {
      const [a, b] = [...pointers.entries()].map(([id, p]) => id === e.pointerId ? { x: e.clientX, y: e.clientY } : p);
      const [pa, pb] = [...pointers.values()];
      const before = Math.hypot(pa.x - pb.x, pa.y - pb.y), after = Math.hypot(a.x - b.x, a.y - b.y);
      moved += 10;
      if (before > 0 && after > 0) zoomAt(before / after, (a.x + b.x) / 2, (a.y + b.y) / 2);
    }
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
  });
  const up = e => pointers.delete(e.pointerId);
  svg.addEventListener('pointerup', up);
  svg.addEventListener('pointercancel', up);

  return {
    // Shows the projected points [[x, y] …] whole, with a margin.
    fit(points) {
      if (points.length === 0) return apply({ x: -1, y: -1, w: 2, h: 2 });
      const xs = points.map(p => p[0]), ys = points.map(p => p[1]);
      const x0 = lowest(xs), x1 = highest(xs), y0 = lowest(ys), y1 = highest(ys);
      const w = Math.max(x1 - x0, 0.002), h = Math.max(y1 - y0, 0.002);
      apply({ x: x0 - w * 0.06, y: y0 - h * 0.06, w: w * 1.12, h: h * 1.12 });
    },
    zoom(factor) { zoomAt(factor); },
    // Whether the pointer was dragged since it went down (a click after a drag is no click).
    dragged: () => moved > 4,
  };
}

// The least and greatest of many numbers: a city's boundaries have too many points to spread into Math.min's arguments.
function lowest(values) { let m = Infinity; for (const x of values) if (x < m) m = x; return m; }
function highest(values) { let m = -Infinity; for (const x of values) if (x > m) m = x; return m; }
