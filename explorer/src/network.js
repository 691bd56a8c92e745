// The network view: an area's network drawn with Cytoscape.js, coloured by kind, with
// linkage coverage on grids, buildings (pies) and households, and an alliance unit's reach.
//
// Built for 10,000+ elements: one cy.add() of preset positions (layout.js), straight
// "haystack" edges for big views, labels hidden at low zoom (min-zoomed-font-size),
// textures and hidden edges while panning big views, and highlights as class changes in
// one batch.

import cytoscape from 'cytoscape';
import cytoscapeSvg from 'cytoscape-svg';

import { areaTallies, householdStatus, pieShares, rateText } from './coverage.js';
import { COMMUNITY_KINDS, COVERAGE, KINDS, REACH_COLOR } from './labels.js';
import { TERRITORY_TYPES, layoutNetwork } from './layout.js';

cytoscape.use(cytoscapeSvg);

const BIG = 3000;

const SIZES = {
  Street: 64, Community: 54, Grid: 40, Building: 20, Household: 8, PartyOrganization: 12,
  PartyMember: 12, VanguardStation: 12, Alliance: 30, AllianceMember: 18, Worker: 10,
};
const FONT = {
  Street: 22, Community: 18, Grid: 12, Building: 6, Household: 3, PartyOrganization: 4,
  PartyMember: 4, VanguardStation: 4, Alliance: 14, AllianceMember: 11, Worker: 4,
};
const EDGE_COLORS = {
  PART_OF: '#b0bec5', GOVERNS: '#e57373', REPORTS_TO: '#b71c1c', LINKS: '#f9a825', RUNS: '#ef6c00',
  LOCATED_IN: '#ef6c00', SERVES: '#8e24aa', LED_BY: '#6a1b9a', JOINED: '#ce93d8', MANAGES: '#ec407a',
  BRANCH_OF: '#8d6e63', WORKS_IN: '#0277bd',
};

// Household labels are drawn only when zoomed in this far, and only for the households in
// the viewport (a class on a few dozen nodes): measuring 6,000 labels would cost seconds, and
// at lower zooms they would be too small to draw anyway.
const HOUSEHOLD_LABEL_ZOOM = 2;

function style(big) {
  const s = [
    {
      selector: 'node',
      style: {
        label: 'data(label)', 'font-size': 'data(font)', 'min-zoomed-font-size': 7, 'text-valign': 'bottom',
        'text-margin-y': 1, color: '#263238', 'text-outline-color': '#fff', 'text-outline-width': 0.6,
        width: 'data(size)', height: 'data(size)', 'background-color': 'data(color)', shape: 'data(shape)',
        'border-width': 0, 'font-family': 'Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif',
      },
    },
    { selector: 'node[kind = "Household"]', style: { label: '' } },
    { selector: 'node.hh-label', style: { label: 'data(label)' } },
    { selector: 'node[?context]', style: { opacity: 0.75, 'border-width': 2, 'border-style': 'dashed', 'border-color': '#78909c' } },
    {
      selector: 'node[pieTotal > 0]',
      style: {
        'pie-size': '100%',
        'pie-1-background-color': COVERAGE.active.color, 'pie-1-background-size': 'data(pa)',
        'pie-2-background-color': COVERAGE.covered.color, 'pie-2-background-size': 'data(pc)',
        'pie-3-background-color': COVERAGE.uncovered.color, 'pie-3-background-size': 'data(pu)',
        'border-width': 'data(ring)', 'border-color': 'data(color)',
      },
    },
    {
      selector: 'node[?territory]',
      style: {
        'background-opacity': 0.04, 'border-width': 2, 'border-color': 'data(color)', 'border-opacity': 0.55,
        'text-valign': 'top', 'text-margin-y': -6, 'z-index': 0, 'min-zoomed-font-size': 7, color: 'data(color)',
        'font-weight': 'bold', 'text-outline-width': 2,
        'pie-1-background-opacity': 0.3, 'pie-2-background-opacity': 0.3, 'pie-3-background-opacity': 0.12,
      },
    },
    { selector: 'node[!territory]', style: { 'z-index': 10 } },
    { selector: 'edge[?hid]', style: { display: 'none' } },
    { selector: 'node.hh-active', style: { 'background-color': COVERAGE.active.color } },
    { selector: 'node.hh-covered', style: { 'background-color': COVERAGE.covered.color } },
    { selector: 'node.hh-uncovered', style: { 'background-color': COVERAGE.uncovered.color, 'border-width': 0.6, 'border-color': '#9e9e9e' } },
    {
      selector: 'edge',
      style: {
        width: 0.6, 'line-color': 'data(color)', opacity: 0.7,
        'curve-style': big ? 'haystack' : 'straight',
        ...(big ? {} : { 'target-arrow-shape': 'triangle', 'target-arrow-color': 'data(color)', 'arrow-scale': 0.4 }),
      },
    },
    { selector: 'edge[type = "LINKS"]', style: { width: 0.9, opacity: 0.85 } },
    { selector: 'edge[type = "GOVERNS"], edge[type = "SERVES"], edge[type = "LED_BY"]', style: { 'line-style': 'dashed', width: 1.2 } },
    { selector: 'edge[type = "JOINED"]', style: { width: 1 } },
    { selector: 'edge[type = "MANAGES"]', style: { width: 0.6, opacity: 0.35 } },
    { selector: '.faded', style: { opacity: 0.12, 'text-opacity': 0.2 } },
    {
      selector: 'node.reach',
      style: { 'underlay-color': REACH_COLOR, 'underlay-opacity': 0.55, 'underlay-padding': 3, 'underlay-shape': 'ellipse' },
    },
    { selector: 'node.reach-source', style: { 'border-width': 3, 'border-color': REACH_COLOR, 'font-weight': 'bold' } },
    { selector: 'edge.reach-source', style: { 'line-color': REACH_COLOR, width: 2.5, opacity: 1, 'z-index': 9 } },
    {
      selector: 'node.chosen',
      style: {
        'overlay-color': '#0d47a1', 'overlay-opacity': 0.25, 'overlay-padding': 6,
        'border-width': 2.5, 'border-color': '#0d47a1', 'z-index': 20, 'font-weight': 'bold', 'min-zoomed-font-size': 0,
      },
    },
  ];
  return s;
}

function nodeData(n, tallies, radius, root) {
  const k = KINDS[n.type];
  const data = {
    id: n.id, kind: n.type, label: n.name, localId: n.localId, shape: k.shape,
    color: n.type === 'Community' && n.props?.kind === 'VILLAGE' ? COMMUNITY_KINDS.VILLAGE.color : k.color,
    size: SIZES[n.type], font: FONT[n.type], context: Boolean(n.context),
  };
  if (radius && TERRITORY_TYPES.has(n.type) && !n.context) {
    Object.assign(data, { territory: true, shape: 'ellipse', size: 2 * radius, font: Math.min(90, Math.max(12, radius / (root ? 12 : 6))) });
  }
  if (root) return data; // the view's own area: its rate is in the status bar, a pie would cover everything
  const t = tallies.get(n.id);
  // Pies on grids and buildings (a community's or street's pie would lie over its grids' pies).
  if ((n.type === 'Grid' || n.type === 'Building') && t && t.total) {
    const p = pieShares(t);
    Object.assign(data, { pieTotal: t.total, pa: p.active, pc: p.covered, pu: p.uncovered, ring: n.type === 'Building' ? 2 : 4 });
  }
  return data;
}

export class NetworkView {
  constructor(container, { onSelect, onBackground }) {
    this.container = container;
    this.onSelect = onSelect;
    this.onBackground = onBackground;
    this.cy = null;
    this.model = null;
    this.status = new Map();
    this.tallies = new Map();
    this.reachUnit = null;
  }

  get elementCount() {
    return this.cy ? this.cy.elements().length : 0;
  }

  /** Draws a model (replacing the previous one); `asOf` dates active coverage. */
  render(model, asOf) {
    this.model = model;
    this.status = householdStatus(model.links, model.visits, asOf);
    this.tallies = areaTallies(model, this.status);
    const nodes = [];
    const t0 = performance.now();
    const { positions, radii } = layoutNetwork(model);
    const t1 = performance.now();
    for (const n of model.nodes.values()) {
      const el = { group: 'nodes', data: nodeData(n, this.tallies, radii.get(n.id), n.id === model.area.id), position: positions.get(n.id) || { x: 0, y: 0 } };
      if (n.type === 'Household') el.classes = `hh-${this.status.get(n.id) || 'uncovered'}`;
      nodes.push(el);
    }
    const edges = [];
    for (const [key, e] of model.edges) {
      // Parts of a territory lie inside its circle: their PART_OF lines are not drawn.
      const hid = e.type === 'PART_OF' && radii.has(e.target);
      edges.push({ group: 'edges', data: { id: key, source: e.source, target: e.target, type: e.type, color: EDGE_COLORS[e.type] || '#999', hid } });
    }
    const big = nodes.length + edges.length > BIG;
    if (this.cy) this.cy.destroy();
    this.cy = cytoscape({
      container: this.container,
      elements: [],
      style: style(big),
      layout: { name: 'preset' },
      minZoom: 0.02,
      maxZoom: 8,
      boxSelectionEnabled: false,
      selectionType: 'single',
      autoungrabify: big,
      hideEdgesOnViewport: big,
      textureOnViewport: nodes.length + edges.length > 8000,
      pixelRatio: big ? 1 : 'auto',
    });
    const t2 = performance.now();
    this.cy.add([...nodes, ...edges]);
    const t3 = performance.now();
    this.fit();
    this.lastTimings = { layoutMs: Math.round(t1 - t0), createMs: Math.round(t2 - t1), addMs: Math.round(t3 - t2), fitMs: Math.round(performance.now() - t3) };
    this.labelled = this.cy.collection();
    this.cy.on('viewport', () => {
      clearTimeout(this.labelTimer);
      this.labelTimer = setTimeout(() => this.labelHouseholds(), 120);
    });
    this.cy.on('tap', 'node', (ev) => this.onSelect(ev.target.id()));
    this.cy.on('tap', (ev) => {
      if (ev.target === this.cy) this.onBackground();
    });
    this.reachUnit = null;
    return { nodes: nodes.length, edges: edges.length };
  }

  /** Shows the labels of the households in the viewport when zoomed in, hides the others. */
  labelHouseholds() {
    const cy = this.cy;
    if (!cy || cy.destroyed()) return;
    let show = cy.collection();
    if (cy.zoom() >= HOUSEHOLD_LABEL_ZOOM) {
      const e = cy.extent();
      show = cy.nodes('[kind = "Household"]').filter((n) => {
        const p = n.position();
        return p.x >= e.x1 && p.x <= e.x2 && p.y >= e.y1 && p.y <= e.y2;
      });
    }
    const hide = this.labelled.difference(show);
    const add = show.difference(this.labelled);
    if (hide.empty() && add.empty()) return;
    cy.batch(() => {
      hide.removeClass('hh-label');
      add.addClass('hh-label');
    });
    this.labelled = show;
  }

  /** Takes area tallies from elsewhere (the API's coverage) and redraws their pies. */
  applyTallies(rows) {
    const cy = this.cy;
    cy.batch(() => {
      for (const [id, t] of rows) {
        const el = cy.getElementById(id);
        if (el.empty() || !t.total) continue;
        this.tallies.set(id, t);
        const kind = el.data('kind');
        if (id === this.model.area.id || (kind !== 'Grid' && kind !== 'Building')) continue;
        const p = pieShares(t);
        el.data({ pieTotal: t.total, pa: p.active, pc: p.covered, pu: p.uncovered });
      }
    });
  }

  /** Relayout with Cytoscape's force-directed cose (small views only). */
  relayout() {
    if (!this.cy || this.cy.nodes().length > 1500) return false;
    this.cy.layout({ name: 'cose', animate: false, nodeRepulsion: () => 6000, idealEdgeLength: () => 40 }).run();
    this.fit();
    return true;
  }

  has(id) {
    return Boolean(this.cy && this.cy.getElementById(id).nonempty());
  }

  /** Marks the selection; highlights an alliance unit's reach when a unit is selected. */
  select(id, { center = false } = {}) {
    if (!this.cy) return;
    const cy = this.cy;
    cy.batch(() => {
      cy.$('.chosen').removeClass('chosen');
      const el = cy.getElementById(id);
      if (el.nonempty()) el.addClass('chosen');
    });
    const el = cy.getElementById(id);
    const unit = el.nonempty() && el.data('kind') === 'AllianceMember';
    if (unit) this.highlightReach(id);
    else if (this.reachUnit) this.clearReach();
    if (center && unit) {
      this.fit(cy.$('.reach, .reach-source'), 40);
    } else if (center && el.nonempty()) {
      cy.zoom({ level: Math.max(cy.zoom(), 1.6), renderedPosition: el.renderedPosition() });
      cy.center(el);
    }
  }

  clearReach() {
    if (!this.cy) return;
    this.cy.batch(() => this.cy.elements().removeClass('faded reach reach-source'));
    this.reachUnit = null;
  }

  /**
   * The households a unit reaches within the view (docs/design.md): under the areas served by the
   * alliances it JOINED, plus the households of the buildings it MANAGES.
   */
  reachOf(unitId) {
    const m = this.model;
    const joined = new Set();
    const served = new Set();
    const managed = new Set();
    const sourceEdges = [];
    for (const [key, e] of m.edges) {
      if (e.type === 'JOINED' && e.source === unitId) { joined.add(e.target); sourceEdges.push(key); }
      if (e.type === 'MANAGES' && e.source === unitId) { managed.add(e.target); sourceEdges.push(key); }
    }
    for (const [key, e] of m.edges) {
      if (e.type === 'SERVES' && joined.has(e.source)) { served.add(e.target); sourceEdges.push(key); }
    }
    const within = (id, targets) => {
      for (let cur = id, guard = 0; cur && guard < 8; guard += 1) {
        if (targets.has(cur)) return true;
        cur = m.nodes.get(cur)?.area;
      }
      return false;
    };
    // The view's own ancestors: a served street contains the whole community view.
    const viewServed = m.path.some((p) => served.has(p.id));
    const households = [];
    const buildings = [];
    for (const n of m.nodes.values()) {
      if (n.context) continue;
      if (n.type === 'Household' && (viewServed || within(n.id, served) || within(n.id, managed))) households.push(n.id);
      if (n.type === 'Building' && (viewServed || within(n.id, served) || managed.has(n.id))) buildings.push(n.id);
    }
    return { households, buildings, joined: [...joined], served: [...served], managed: [...managed], sourceEdges };
  }

  highlightReach(unitId) {
    const cy = this.cy;
    const r = this.reachOf(unitId);
    cy.batch(() => {
      cy.elements().removeClass('reach reach-source').addClass('faded');
      const ids = [...r.households, ...r.buildings];
      for (const id of ids) cy.getElementById(id).removeClass('faded').addClass('reach');
      for (const id of [unitId, ...r.joined, ...r.served, ...r.managed, ...r.sourceEdges]) {
        cy.getElementById(id).removeClass('faded').addClass('reach-source');
      }
    });
    this.reachUnit = unitId;
    this.lastReach = r;
    return r;
  }

  tallyText(id) {
    return rateText(this.tallies.get(id));
  }

  householdStatusOf(id) {
    return this.status.get(id) || 'uncovered';
  }

  zoomBy(factor) {
    if (!this.cy) return;
    const cy = this.cy;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  /** Fits the elements (their nodes' boxes, not their labels: measuring 10,000 labels is slow). */
  fit(eles = null, padding = 30) {
    const cy = this.cy;
    if (!cy) return;
    const target = eles || cy.nodes();
    if (target.empty()) return;
    const bb = target.boundingBox({ includeLabels: false, includeOverlays: false, includeUnderlays: false });
    const w = cy.width() - 2 * padding;
    const h = cy.height() - 2 * padding;
    const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min(w / Math.max(bb.w, 1), h / Math.max(bb.h, 1))));
    cy.viewport({
      zoom,
      pan: { x: padding + (w - zoom * bb.w) / 2 - zoom * bb.x1, y: padding + (h - zoom * bb.h) / 2 - zoom * bb.y1 },
    });
  }

  png() {
    return this.cy.png({ full: true, scale: this.elementCount > BIG ? 1 : 2, bg: '#ffffff', output: 'blob', maxWidth: 8000, maxHeight: 8000 });
  }

  svg() {
    return this.cy.svg({ full: true, bg: '#ffffff', scale: 1 });
  }

  /** The view as a graph document: the nodes and the relationships drawn. */
  graph() {
    const m = this.model;
    const drawn = this.cy ? new Set(this.cy.nodes().map((n) => n.id())) : new Set(m.nodes.keys());
    const nodes = [...m.nodes.values()].filter((n) => drawn.has(n.id));
    return { nodes, edges: [...m.edges.values()].filter((e) => drawn.has(e.source) && drawn.has(e.target)) };
  }
}
