// The org-chart view: street committee → community committee → grid branches → building
// groups → vanguard stations, as a collapsible tidy tree (d3-hierarchy).  Children are
// fetched from the API when a node is first expanded, so a whole city never loads at once.
//
// Keyboard: Tab/arrow keys move between nodes (↑ ↓ siblings in drawing order, → expand or go
// to the first child, ← collapse or go to the parent), Enter/Space select and expand.

import { hierarchy, tree as tidyTree } from 'd3-hierarchy';
import { select } from 'd3-selection';
import { linkHorizontal } from 'd3-shape';
import { zoom as d3zoom, zoomIdentity } from 'd3-zoom';

import { allPages, gql } from './api.js';
import { KINDS, ORG_LEVELS, STARS } from './labels.js';

const ORG_FIELDS = `id localId name level star
  children(first: 0) { totalCount } stations(first: 0) { totalCount }
  governs(first: 10) { nodes { __typename id name } }`;

// The tree starts at the highest level the viewer can see: the street committees for the
// whole city, a community committee or a grid branch for a viewer bound to that area.
const LEVELS = ['STREET_COMMITTEE', 'COMMUNITY_COMMITTEE', 'GRID_BRANCH', 'GRID_GROUP', 'BUILDING_GROUP'];

const ROOTS = `query TreeRoots($after: String, $level: OrgLevel!) {
  partyOrganizations(first: 200, after: $after, filter: { level: $level }, orderBy: { field: ID }) {
    pageInfo { hasNextPage endCursor } nodes { ${ORG_FIELDS} } } }`;

// Children, the vanguard stations the organization sets (a party group's, ATTACHED_TO: the fourth
// level), and those in the areas it governs directly (for a grid: only in buildings no
// organization of their own governs), once each.
const CHILDREN = `query TreeChildren($id: ID!, $after: String) { node(id: $id) { ... on PartyOrganization {
  children(first: 200, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${ORG_FIELDS} } }
  stations(first: 50) { nodes { id localId name } }
  governs(first: 10) { nodes { __typename id
    ... on Building { stations(first: 50) { nodes { id localId name } } }
    ... on Grid { buildings(first: 500) { nodes { governedBy(first: 0) { totalCount }
      stations(first: 50) { nodes { id localId name } } } } } } } } } }`;

const ANCESTORS = `query TreeAncestors($id: ID!) { node(id: $id) { ... on PartyOrganization {
  ${ORG_FIELDS} ancestors(maxDepth: 10) { ${ORG_FIELDS} } } } }`;

const DX = 30; // vertical distance between siblings
const DY = 250; // horizontal distance between levels

function orgItem(o) {
  const governs = o.governs?.nodes || [];
  const mayHaveStations = (o.stations?.totalCount ?? 0) > 0
    || governs.some((a) => a.__typename === 'Building' || a.__typename === 'Grid');
  return {
    id: o.id, localId: o.localId, kind: 'PartyOrganization', name: o.name, level: o.level, star: o.star,
    childCount: o.children?.totalCount ?? 0, expandable: (o.children?.totalCount ?? 0) > 0 || mayHaveStations,
    governs, children: null, expanded: false, parent: null,
  };
}

function stationItem(s) {
  return { id: s.id, localId: s.localId, kind: 'VanguardStation', name: s.name, childCount: 0, expandable: false, children: null, expanded: false };
}

export class OrgChart {
  constructor(container, { onSelect, onChange, status }) {
    this.container = container;
    this.onSelect = onSelect;
    this.onChange = onChange; // expanded set changed
    this.status = status;
    this.root = { id: 'root', kind: 'root', name: '全部街道党组织 All street committees', children: [], expanded: true, expandable: true };
    this.items = new Map();
    this.selected = null;
    this.focusId = null;
    this.svg = select(container).append('svg').attr('class', 'tree-svg').attr('role', 'tree')
      .attr('aria-label', '组织架构树 Organization tree');
    this.layer = this.svg.append('g');
    this.linkLayer = this.layer.append('g').attr('class', 'links');
    this.nodeLayer = this.layer.append('g').attr('class', 'nodes');
    this.zoom = d3zoom().scaleExtent([0.15, 3]).on('zoom', (ev) => this.layer.attr('transform', ev.transform));
    this.svg.call(this.zoom).on('dblclick.zoom', null);
    this.transformSet = false;
  }

  async init() {
    let roots = [];
    for (const level of LEVELS) {
      roots = await allPages(async (after) => (await gql(ROOTS, { after, level })).partyOrganizations);
      if (roots.length) {
        if (level !== LEVELS[0]) this.root.name = '可见的党组织 Organizations you can see';
        break;
      }
    }
    this.root.children = roots.map((o) => this.remember(orgItem(o), this.root));
    // A single top organization is opened at once (its committees are the useful first view).
    if (this.root.children.length === 1) await this.expand(this.root.children[0].id, { render: false, notify: false });
    this.render();
  }

  remember(item, parent) {
    const known = this.items.get(item.id);
    if (known) return known;
    item.parent = parent;
    this.items.set(item.id, item);
    return item;
  }

  get expandedIds() {
    const out = [];
    const walk = (item) => {
      for (const c of item.children || []) {
        if (c.expanded) {
          out.push(c.id);
          walk(c);
        }
      }
    };
    walk(this.root);
    return out;
  }

  async loadChildren(item) {
    if (item.children) return;
    item.loading = true;
    this.render();
    try {
      let governs = [];
      const stations = [];
      const kids = await allPages(async (after) => {
        const data = await gql(CHILDREN, { id: item.id, after });
        if (!after) {
          governs = data.node?.governs?.nodes || [];
          stations.push(...(data.node?.stations?.nodes || []));
        }
        return data.node?.children;
      });
      for (const area of governs) {
        if (area.__typename === 'Building') stations.push(...(area.stations?.nodes || []));
        if (area.__typename === 'Grid') {
          for (const b of area.buildings?.nodes || []) {
            if (!b.governedBy.totalCount) stations.push(...(b.stations?.nodes || []));
          }
        }
      }
      const once = [...new Map(stations.map((s) => [s.id, s])).values()];
      item.children = [
        ...kids.map((o) => this.remember(orgItem(o), item)),
        ...once.map((s) => this.remember(stationItem(s), item)),
      ];
      item.expandable = item.children.length > 0;
    } finally {
      item.loading = false;
    }
  }

  async expand(id, { render = true, notify = true } = {}) {
    const item = this.items.get(id);
    if (!item || !item.expandable) return false;
    await this.loadChildren(item);
    item.expanded = item.children.length > 0;
    if (render) {
      this.render();
      this.keepInView(id);
    }
    if (notify) this.onChange();
    return true;
  }

  collapse(id) {
    const item = this.items.get(id);
    if (!item) return;
    item.expanded = false;
    this.render();
    this.onChange();
  }

  async toggle(id) {
    const item = this.items.get(id);
    if (!item) return;
    if (item.expanded) this.collapse(id);
    else await this.expand(id);
  }

  /** Expands the given nodes in order (a shared link's `open` list). */
  async restore(ids) {
    for (const id of ids) {
      if (this.items.has(id)) await this.expand(id, { render: false, notify: false });
    }
    this.render();
    this.onChange();
  }

  /** Loads and expands the chain of organizations above `id`, so that it shows. */
  async reveal(id) {
    if (!this.items.has(id)) {
      const data = await gql(ANCESTORS, { id });
      const node = data.node;
      if (!node || !node.level) return false;
      const chain = [...(node.ancestors || [])].reverse(); // top first
      for (const anc of chain) {
        if (!this.items.has(anc.id)) {
          // A top not among the street committees (e.g. an unrooted branch) joins the roots.
          this.root.children.push(this.remember(orgItem(anc), this.root));
        }
        await this.expand(anc.id, { render: false });
      }
      if (!this.items.has(id)) this.root.children.push(this.remember(orgItem(node), this.root));
    } else {
      const chain = [];
      for (let p = this.items.get(id).parent; p && p.id !== 'root'; p = p.parent) chain.unshift(p.id);
      for (const anc of chain) await this.expand(anc, { render: false });
    }
    this.render();
    return true;
  }

  select(id, { center = false } = {}) {
    this.selected = id;
    this.nodeLayer.selectAll('g.node').classed('chosen', (d) => d.data.id === id)
      .attr('aria-selected', (d) => String(d.data.id === id));
    if (center) this.centerOn(id);
  }

  centerOn(id) {
    const d = this.lastNodes?.find((n) => n.data.id === id);
    if (!d) return;
    const { width, height } = this.container.getBoundingClientRect();
    const t = zoomIdentity.translate(width / 3 - d.y, height / 2 - d.x);
    this.svg.call(this.zoom.transform, t);
  }

  /** Pans (keeping the zoom) so that a node just expanded and its children are on screen. */
  keepInView(id) {
    const d = this.lastNodes?.find((n) => n.data.id === id);
    if (!d) return;
    const { width, height } = this.container.getBoundingClientRect();
    const t = this.svg.property('__zoom') || zoomIdentity;
    const kids = d.children || [];
    const xs = [d.x, ...kids.map((c) => c.x)];
    const left = t.applyX(d.y);
    const right = t.applyX(d.y + DY + 200);
    const top = t.applyY(Math.min(...xs));
    const bottom = t.applyY(Math.max(...xs));
    let dx = 0;
    let dy = 0;
    if (right > width) dx = width - right;
    if (left + dx < 20) dx = 20 - left;
    if (bottom - top < height - 40) {
      if (top < 20) dy = 20 - top;
      else if (bottom > height - 20) dy = height - 20 - bottom;
    } else {
      dy = height / 2 - t.applyY(d.x);
    }
    if (dx || dy) this.svg.call(this.zoom.translateBy, dx / t.k, dy / t.k);
  }

  fit() {
    if (!this.lastNodes || !this.lastNodes.length) return;
    const xs = this.lastNodes.map((d) => d.x);
    const ys = this.lastNodes.map((d) => d.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys) + 220];
    const { width, height } = this.container.getBoundingClientRect();
    const k = Math.min(1.2, Math.max(0.15, Math.min(width / (y1 - y0 + 80), height / (x1 - x0 + 60))));
    const t = zoomIdentity.translate(40 - y0 * k, height / 2 - ((x0 + x1) / 2) * k).scale(k);
    this.svg.call(this.zoom.transform, t);
  }

  zoomBy(factor) {
    this.svg.call(this.zoom.scaleBy, factor);
  }

  label(d) {
    const item = d.data;
    if (item.kind === 'root') return item.name;
    const star = item.star ? ` ${STARS[item.star]?.mark || ''}` : '';
    const more = item.expandable && !item.expanded && item.childCount ? ` (${item.childCount})` : '';
    return `${item.name}${star}${more}`;
  }

  color(item) {
    if (item.kind === 'VanguardStation') return KINDS.VanguardStation.color;
    if (item.kind === 'root') return '#455a64';
    return ORG_LEVELS[item.level]?.color || KINDS.PartyOrganization.color;
  }

  render() {
    const rootH = hierarchy(this.root, (item) => (item.expanded ? item.children : null));
    tidyTree().nodeSize([DX, DY]).separation((a, b) => (a.parent === b.parent ? 1 : 1.3))(rootH);
    const nodes = rootH.descendants();
    this.lastNodes = nodes;
    const links = rootH.links();
    const path = linkHorizontal().x((d) => d.y).y((d) => d.x);

    this.linkLayer.selectAll('path').data(links, (d) => d.target.data.id)
      .join('path').attr('class', 'link').attr('d', path);

    const self = this;
    const g = this.nodeLayer.selectAll('g.node').data(nodes, (d) => d.data.id)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'node').attr('tabindex', 0).attr('role', 'treeitem');
        e.append('circle').attr('r', 7);
        e.append('text').attr('dy', '0.32em').attr('x', 12);
        e.on('click', (ev, d) => self.activate(d.data, ev.target.tagName === 'circle'));
        e.on('keydown', (ev, d) => self.key(ev, d));
        e.on('focus', (ev, d) => { self.focusId = d.data.id; });
        return e;
      });
    g.attr('transform', (d) => `translate(${d.y},${d.x})`)
      .attr('data-id', (d) => d.data.id)
      .attr('data-kind', (d) => d.data.kind)
      .attr('aria-level', (d) => d.depth + 1)
      .attr('aria-expanded', (d) => (d.data.expandable ? String(Boolean(d.data.expanded)) : null))
      .attr('aria-label', (d) => this.label(d))
      .classed('chosen', (d) => d.data.id === this.selected)
      .classed('loading', (d) => Boolean(d.data.loading))
      .classed('station', (d) => d.data.kind === 'VanguardStation');
    g.select('circle')
      .attr('fill', (d) => (d.data.expandable && !d.data.expanded ? this.color(d.data) : '#fff'))
      .attr('stroke', (d) => this.color(d.data))
      .attr('r', (d) => (d.data.kind === 'VanguardStation' ? 5 : 7));
    g.select('text').text((d) => this.label(d));
    if (!this.transformSet) {
      this.transformSet = true;
      this.fit();
    }
    this.status(`组织树 ${nodes.length - 1} 个节点 (nodes shown)`);
  }

  async activate(item, toggleOnly) {
    if (item.kind === 'root') return;
    if (!toggleOnly) this.onSelect(item.id, item.kind);
    if (item.expandable) await this.toggle(item.id);
  }

  focus(id) {
    const el = this.nodeLayer.selectAll('g.node').filter((d) => d.data.id === id).node();
    if (el) el.focus();
  }

  key(ev, d) {
    const item = d.data;
    const order = this.lastNodes.slice().sort((a, b) => a.x - b.x || a.depth - b.depth);
    const at = order.findIndex((n) => n.data.id === item.id);
    const keys = {
      Enter: () => this.activate(item, false),
      ' ': () => this.activate(item, false),
      ArrowDown: () => order[at + 1] && this.focus(order[at + 1].data.id),
      ArrowUp: () => order[at - 1] && this.focus(order[at - 1].data.id),
      ArrowRight: async () => {
        if (item.expandable && !item.expanded) await this.expand(item.id);
        else if (item.children?.length) this.focus(item.children[0].id);
      },
      ArrowLeft: () => {
        if (item.expanded) this.collapse(item.id);
        else if (item.parent && item.parent.id !== 'root') this.focus(item.parent.id);
      },
    };
    const fn = keys[ev.key];
    if (fn) {
      ev.preventDefault();
      Promise.resolve(fn()).then(() => this.focus(this.focusId));
    }
  }

  item(id) {
    return this.items.get(id);
  }

  /** The visible tree as a graph document: organizations, stations, REPORTS_TO. */
  graph() {
    const nodes = [];
    const edges = [];
    for (const d of this.lastNodes || []) {
      const item = d.data;
      if (item.kind === 'root') continue;
      const props = item.kind === 'PartyOrganization' ? { name: item.name, level: item.level, star: item.star } : { name: item.name };
      nodes.push({ id: item.id, localId: item.localId, type: item.kind, name: item.name, props });
      if (item.kind === 'PartyOrganization' && item.parent && item.parent.id !== 'root') {
        edges.push({ type: 'REPORTS_TO', source: item.id, target: item.parent.id, props: {} });
      }
    }
    return { nodes, edges };
  }

  /** A standalone SVG of the drawn tree (styles inlined). */
  svgText() {
    const node = this.svg.node();
    const box = this.layer.node().getBBox();
    const clone = node.cloneNode(true);
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    clone.setAttribute('viewBox', `${box.x - 20} ${box.y - 20} ${box.width + 40} ${box.height + 40}`);
    clone.setAttribute('width', Math.ceil(box.width + 40));
    clone.setAttribute('height', Math.ceil(box.height + 40));
    clone.querySelector('g').removeAttribute('transform');
    const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
    style.textContent = `text{font:12px "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;fill:#263238}
      .link{fill:none;stroke:#b0bec5;stroke-width:1.2px} circle{stroke-width:2px}
      .chosen text{font-weight:bold;fill:#0d47a1}`;
    clone.insertBefore(style, clone.firstChild);
    const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    bg.setAttribute('x', box.x - 20); bg.setAttribute('y', box.y - 20);
    bg.setAttribute('width', box.width + 40); bg.setAttribute('height', box.height + 40);
    bg.setAttribute('fill', '#ffffff');
    clone.insertBefore(bg, style.nextSibling);
    return new XMLSerializer().serializeToString(clone);
  }
}
