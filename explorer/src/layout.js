// Preset positions for a network model, computed in O(n): no force simulation, so a view
// of 10,000 elements is placed in a few milliseconds and never re-laid out per element.
//
// Areas are nested circles (d3-hierarchy's circle packing of siblings): households on a
// sunflower spiral around their building, buildings packed around their grid, grids around
// their community.  Organizations sit beside the area they govern, stations beside their
// building, vanguards beside their station (or among the households they link); alliances
// and their member units stand on two rings outside the packed areas.

import { packEnclose, packSiblings } from 'd3-hierarchy';

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
const HOUSEHOLD_SPACING = 13;
const LEAF_BUILDING_RADIUS = 22;
const AREA_PADDING = 10;
const AREA_CORE = { Street: 70, Community: 56, Grid: 36, Building: 16 };
/** Area kinds drawn as territories (circles around their content) when they have content. */
export const TERRITORY_TYPES = new Set(['Street', 'Community', 'Grid']);

function children(model) {
  const kids = new Map();
  for (const n of model.nodes.values()) {
    if (!n.area || n.context) continue;
    if (!kids.has(n.area)) kids.set(n.area, []);
    kids.get(n.area).push(n);
  }
  return kids;
}

/** Places `id` and everything under it around (0, 0); returns {r, items: [[id, x, y]]}. */
function placeArea(id, model, kids) {
  const node = model.nodes.get(id);
  const under = kids.get(id) || [];
  const households = under.filter((n) => n.type === 'Household');
  if (node.type === 'Building') {
    const items = [[id, 0, 0]];
    if (!households.length) return { r: model.withHouseholds ? AREA_CORE.Building + 6 : LEAF_BUILDING_RADIUS, items };
    households.forEach((h, i) => {
      const rad = HOUSEHOLD_SPACING * Math.sqrt(i + 3);
      items.push([h.id, rad * Math.cos(i * GOLDEN_ANGLE), rad * Math.sin(i * GOLDEN_ANGLE)]);
    });
    return { r: HOUSEHOLD_SPACING * Math.sqrt(households.length + 3) + HOUSEHOLD_SPACING / 2, items };
  }
  const areas = under.filter((n) => n.type === 'Community' || n.type === 'Grid' || n.type === 'Building');
  if (!areas.length) return { r: AREA_CORE[node.type] || 30, items: [[id, 0, 0]], radii: [[id, AREA_CORE[node.type] || 30]] };
  // An area above buildings is drawn as a territory: a circle around what is under it.
  const circles = areas.map((a) => {
    const placed = placeArea(a.id, model, kids);
    return { r: placed.r + AREA_PADDING, placed, x: 0, y: 0 };
  });
  packSiblings(circles);
  const enclosing = packEnclose(circles);
  const r = enclosing.r + AREA_PADDING;
  const items = [[id, 0, 0]];
  const radii = [[id, r]];
  for (const c of circles) {
    const dx = c.x - enclosing.x;
    const dy = c.y - enclosing.y;
    for (const [cid, x, y] of c.placed.items) items.push([cid, x + dx, y + dy]);
    if (c.placed.radii) radii.push(...c.placed.radii);
  }
  return { r, items, radii };
}

function ring(ids, radius, startAngle = -Math.PI / 2, span = 2 * Math.PI) {
  const out = new Map();
  const n = ids.length;
  ids.forEach((id, i) => {
    const a = startAngle + (n === 1 ? 0 : (span * (i + 0.5)) / n);
    out.set(id, { x: radius * Math.cos(a), y: radius * Math.sin(a), angle: a });
  });
  return out;
}

/**
 * Positions for every node of the model: `{positions: Map id -> {x, y}, radii: Map id -> r}`;
 * radii are those of the territories (areas drawn as circles around their content).
 */
export function layoutNetwork(model) {
  const kids = children(model);
  const pos = new Map();
  const root = placeArea(model.area.id, model, kids);
  for (const [id, x, y] of root.items) pos.set(id, { x, y });
  const radii = new Map(root.radii || []);
  const R = root.r;

  // Context ancestors (the street of a community, …) stacked above the packed circle.
  let above = -R - 150;
  for (const step of [...model.path].reverse().slice(1)) {
    pos.set(step.id, { x: 0, y: above });
    above -= 110;
  }

  const edgesBy = (type) => [...model.edges.values()].filter((e) => e.type === type);
  const near = (id, dx, dy) => {
    const p = pos.get(id);
    return p ? { x: p.x + dx, y: p.y + dy } : null;
  };
  // On a territory's rim (up-left), else beside the node.
  const scale = (id) => (radii.has(id) ? radii.get(id) * 0.7 : 16);

  // Organizations beside what they govern (several stack up); the others near their parent.
  const governed = new Map();
  for (const e of edgesBy('GOVERNS')) {
    const k = governed.get(e.target) || 0;
    governed.set(e.target, k + 1);
    const s = scale(e.target);
    const p = near(e.target, -s - 14 * k, -s);
    if (p && !pos.has(e.source)) pos.set(e.source, p);
  }
  for (const e of edgesBy('LOCATED_IN')) {
    const p = near(e.target, 16, -16);
    if (p) pos.set(e.source, p);
  }
  for (const e of edgesBy('RUNS')) {
    const p = near(e.target, 14, -10);
    if (p && !pos.has(e.source)) pos.set(e.source, p);
  }
  // Vanguards without a station: the centre of the households they link.
  const sums = new Map();
  for (const e of edgesBy('LINKS')) {
    const p = pos.get(e.target);
    if (!p || pos.has(e.source)) continue;
    const s = sums.get(e.source) || { x: 0, y: 0, n: 0 };
    s.x += p.x; s.y += p.y; s.n += 1;
    sums.set(e.source, s);
  }
  for (const [id, s] of sums) pos.set(id, { x: s.x / s.n + 6, y: s.y / s.n - 6 });

  // Alliances on a ring outside the areas, their units on a wider ring, grouped by alliance.
  const alliances = [...model.nodes.values()].filter((n) => n.type === 'Alliance').map((n) => n.id).sort();
  const allianceRing = ring(alliances, R * 1.12 + 70);
  for (const [id, p] of allianceRing) pos.set(id, p);
  const firstAlliance = new Map();
  for (const e of edgesBy('JOINED')) if (!firstAlliance.has(e.source)) firstAlliance.set(e.source, e.target);
  const units = [...model.nodes.values()].filter((n) => n.type === 'AllianceMember').map((n) => n.id);
  const angleOf = (id) => allianceRing.get(firstAlliance.get(id))?.angle ?? Math.PI / 2;
  units.sort((a, b) => angleOf(a) - angleOf(b) || (a < b ? -1 : 1));
  const unitRadius = Math.max(R * 1.3 + 150, (units.length * 40) / (2 * Math.PI));
  for (const [id, p] of ring(units, unitRadius, units.length ? angleOf(units[0]) - 0.2 : 0)) pos.set(id, p);

  // Whatever is left (leading committees, branches of units, parents out of view): near
  // what it is connected to, else on the top edge.
  let spare = 0;
  for (const n of model.nodes.values()) {
    if (pos.has(n.id)) continue;
    const e = [...model.edges.values()].find((x) => (x.source === n.id && pos.has(x.target)) || (x.target === n.id && pos.has(x.source)));
    const other = e ? (e.source === n.id ? e.target : e.source) : null;
    const p = other ? near(other, 30, -30 - 14 * (spare % 4)) : { x: -R + 30 * spare, y: -R - 40 };
    spare += 1;
    pos.set(n.id, p);
  }
  return { positions: pos, radii };
}
