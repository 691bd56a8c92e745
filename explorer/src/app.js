// civicmesh explorer: wires the views, search, details, breadcrumb, exports and the URL.

import { Analytics } from './analytics.js';
import { AppealsLayer, appealText } from './appeals-layer.js';
import { gql, typeOf } from './api.js';
import { renderSignedIn, signOut } from './auth.js';
import { DetailsPanel } from './details.js';
import { download, graphDocument, svgToPng, toGraphml, toJson } from './export.js';
import { COVERAGE, KINDS } from './labels.js';
import { renderLegend } from './legend.js';
import { AREA_TYPES, loadNetwork } from './netdata.js';
import { NetworkView } from './network.js';
import { SearchBox } from './search.js';
import { readState, today, writeState } from './state.js';
import { OrgChart } from './tree.js';

const $ = (id) => document.getElementById(id);

const HOME = `query Home($id: ID!) { node(id: $id) { __typename
  ... on Household { building { grid { id } } }
  ... on PartyMember { household { building { grid { id } } } }
  ... on VanguardStation { building { grid { id } } }
  ... on Alliance { serves(first: 10) { nodes { __typename id } } }
  ... on AllianceMember { alliances(first: 10) { nodes { serves(first: 10) { nodes { __typename id } } } }
    manages(first: 1) { nodes { grid { community { id } } } } }
  ... on PartyOrganization { governs(first: 1) { nodes { id } } } } }`;

class Explorer {
  constructor() {
    this.state = readState();
    this.asOf = this.state.asOf || today();
    this.pending = 0;
    this.timings = {};
    this.analytics = new Analytics();
    this.appeals = new AppealsLayer({ status: (text) => this.setStatus(text) });
    this.apiReach = null;
    this.networkKey = null;
    this.tree = new OrgChart($('tree-view'), {
      onSelect: (id) => this.select(id),
      onChange: () => this.saveState(true),
      status: (text) => this.setCount(text),
    });
    this.network = new NetworkView($('network-view'), {
      onSelect: (id) => this.select(id),
      onBackground: () => this.select(null),
    });
    this.details = new DetailsPanel($('details'), {
      open: (id, type) => this.open(id, type),
      openNetwork: (id) => this.showNetwork(id, { select: id }),
      showInTree: (id) => this.showInTree(id),
      view: () => this.state.view,
    });
    this.search = new SearchBox($('search'), $('search-results'), {
      onChoose: (id, type) => this.open(id, type),
      status: (text, error) => this.setStatus(text, error),
    });
    this.bindControls();
  }

  // --- busy / status -------------------------------------------------------------------
  async busy(label, fn) {
    this.pending += 1;
    document.body.dataset.busy = String(this.pending);
    this.setStatus(`${label}…`);
    try {
      const result = await fn();
      this.setStatus('');
      return result;
    } catch (err) {
      console.error(err);
      this.setStatus(`${label}失败 failed: ${err.message}`, true);
      return null;
    } finally {
      this.pending -= 1;
      document.body.dataset.busy = String(this.pending);
    }
  }

  setStatus(text, error = false) {
    const s = $('status');
    s.textContent = text;
    s.classList.toggle('error', error);
  }

  setCount(text) {
    $('counts').textContent = text;
  }

  // --- controls ------------------------------------------------------------------------
  bindControls() {
    $('tab-tree').addEventListener('click', () => this.showTree());
    $('sign-out').addEventListener('click', () => signOut());
    $('tab-network').addEventListener('click', () => {
      if (this.network.model) this.switchTo('network');
      else this.busy('加载网络 Loading network', () => this.firstArea().then((id) => id && this.showNetwork(id)));
    });
    $('as-of').value = this.asOf;
    $('as-of').addEventListener('change', () => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test($('as-of').value)) return;
      this.asOf = $('as-of').value;
      this.state.asOf = this.asOf;
      this.saveState(true);
      if (this.network.model) {
        this.renderNetwork(this.network.model);
        this.refineCoverage(this.network.model);
      }
    });
    $('appeals-layer').addEventListener('change', () => {
      this.appeals.enabled = $('appeals-layer').checked;
      if (this.network.model) this.appeals.refresh(this.network.cy, this.network.model.area, this.asOf);
    });
    $('zoom-in').addEventListener('click', () => this.activeView().zoomBy(1.4));
    $('zoom-out').addEventListener('click', () => this.activeView().zoomBy(1 / 1.4));
    $('zoom-fit').addEventListener('click', () => this.activeView().fit());
    $('relayout').addEventListener('click', () => {
      if (!this.network.relayout()) this.setStatus('视图过大，保持预设布局 (view too large for a force layout)');
    });
    for (const fmt of ['png', 'svg', 'json', 'graphml']) {
      $(`export-${fmt}`).addEventListener('click', () => this.busy(`导出 Export ${fmt.toUpperCase()}`, () => this.exportView(fmt)));
    }
    // Back/forward and edited fragments (popstate fires for both).
    window.addEventListener('popstate', () => this.applyState(readState()));
    document.addEventListener('keydown', (ev) => {
      if (ev.key === '/' && document.activeElement !== $('search')) {
        ev.preventDefault();
        $('search').focus();
      }
    });
  }

  activeView() {
    return this.state.view === 'network' ? this.network : this.tree;
  }

  // --- state & URL ---------------------------------------------------------------------
  saveState(replace = false) {
    this.state.open = this.tree.expandedIds;
    writeState(this.state, { replace });
  }

  async applyState(next) {
    if (next.asOf && next.asOf !== this.asOf) {
      this.asOf = next.asOf;
      $('as-of').value = next.asOf;
    }
    if (next.view === 'network' && next.area) {
      await this.showNetwork(next.area, { select: next.sel, push: false });
    } else {
      await this.tree.restore(next.open || []);
      this.switchTo('tree', false);
      if (next.sel) {
        await this.tree.reveal(next.sel);
        await this.select(next.sel, { center: true, push: false });
      }
    }
  }

  switchTo(view, push = true) {
    this.state.view = view;
    const tree = view === 'tree';
    $('tree-view').hidden = !tree;
    $('network-view').hidden = tree;
    $('tab-tree').setAttribute('aria-selected', String(tree));
    $('tab-network').setAttribute('aria-selected', String(!tree));
    $('relayout').hidden = tree;
    $('as-of-box').hidden = tree;
    renderLegend($('legend'), view);
    if (!tree && this.network.cy) this.network.cy.resize();
    if (tree) this.setCount(`组织树 ${this.tree.lastNodes ? this.tree.lastNodes.length - 1 : 0} 个节点 (nodes shown)`);
    else if (this.network.cy) this.setCount(this.countText());
    this.renderBreadcrumb();
    if (push) this.saveState();
  }

  // --- views ---------------------------------------------------------------------------
  async showTree() {
    this.switchTo('tree');
  }

  async showInTree(id) {
    await this.busy('定位组织 Locating', async () => {
      this.switchTo('tree', false);
      await this.tree.reveal(id);
      await this.select(id, { center: true, push: false });
      this.saveState();
    });
  }

  /** The area the network view opens on: the first community, or the one grid a viewer
   * bound to a grid may see (its community is then visible by name only). */
  async firstArea() {
    const data = await gql('{ communities(first: 1) { nodes { id } } grids(first: 1) { totalCount nodes { id } } }');
    if (data.grids.totalCount === 1) return data.grids.nodes[0].id;
    return data.communities.nodes[0]?.id || data.grids.nodes[0]?.id;
  }

  async showNetwork(areaId, { select = null, push = true } = {}) {
    return this.busy('加载网络 Loading network', async () => {
      if (this.networkKey !== areaId) {
        const t0 = performance.now();
        const model = await loadNetwork(areaId);
        const t1 = performance.now();
        this.networkKey = areaId;
        this.switchTo('network', false);
        const counts = this.renderNetwork(model);
        const t2 = performance.now();
        this.timings.network = { area: areaId, fetchMs: Math.round(t1 - t0), renderMs: Math.round(t2 - t1), ...counts };
        this.apiReach = null;
        this.refineCoverage(model);
      } else {
        this.switchTo('network', false);
      }
      this.state.area = areaId;
      await this.select(select, { center: Boolean(select) && select !== areaId, push: false });
      this.saveState(!push);
      this.markReady();
    });
  }

  /** Replaces the page's area tallies by the API's coverage analytics when the service has them. */
  async refineCoverage(model) {
    const asOf = this.asOf;
    this.coverageSource = '页面计算 computed in page';
    const rows = await this.analytics.coverage(model.area.id, asOf, model.area.type);
    if (!rows || this.network.model !== model || this.asOf !== asOf) return;
    this.network.applyTallies(rows);
    this.coverageSource = '服务端分析 API coverage + page';
    this.setCount(this.countText());
  }

  renderNetwork(model) {
    const counts = this.network.render(model, this.asOf);
    this.coverageSource = '页面计算 computed in page';
    this.setCount(this.countText());
    if (model.notes.length) this.setStatus(model.notes.join('；'));
    if (this.state.sel) this.network.select(this.state.sel);
    this.appeals.refresh(this.network.cy, model.area, this.asOf);
    return counts;
  }

  countText() {
    const cy = this.network.cy;
    const area = this.network.model?.area;
    const t = area ? this.network.tallyText(area.id) : '';
    return `${cy.nodes().length} 节点 nodes · ${cy.edges().length} 关系 edges · ${t} · 截至 as of ${this.asOf} (${this.coverageSource})`;
  }

  // --- selection -----------------------------------------------------------------------
  async select(id, { center = false, push = true } = {}) {
    this.state.sel = id || null;
    if (this.state.view === 'network') this.network.select(id, { center });
    else this.tree.select(id, { center });
    this.renderBreadcrumb();
    if (push) this.saveState(true);
    if (!id) {
      this.details.clear();
      return;
    }
    const shown = await this.details.show(id, await this.extraLines(id));
    this.renderBreadcrumb();
    if (shown && shown.__typename === 'AllianceMember' && this.state.view === 'network') this.apiReachLine(id);
  }

  /** Adds the API's reach of a unit in the whole area (allianceReach) to its details, when there is one. */
  async apiReachLine(id) {
    const area = this.network.model.area.id;
    if (!this.apiReach || this.apiReach.area !== area) {
      this.apiReach = { area, units: await this.analytics.reach(area) };
    }
    const n = this.apiReach.units?.get(id);
    if (n != null && this.state.sel === id) this.details.addLine(id, '区域服务覆盖 Reach in area (API)', `${n} 户 households`);
  }

  async extraLines(id) {
    if (this.state.view !== 'network' || !this.network.has(id)) return [];
    const kind = this.network.cy.getElementById(id).data('kind');
    const lines = [];
    if (['Street', 'Community', 'Grid', 'Building'].includes(kind)) lines.push(['联户覆盖 Coverage', this.network.tallyText(id)]);
    if (kind === 'Building' && this.appeals.enabled) lines.push(['诉求 Appeals', appealText(this.appeals.countsOf(id))]);
    if (kind === 'Household') {
      const s = this.network.householdStatusOf(id);
      lines.push(['联户状态 Linkage', `${COVERAGE[s].zh} ${COVERAGE[s].en}`]);
    }
    if (kind === 'AllianceMember') {
      const r = this.network.lastReach || this.network.reachOf(id);
      const what = this.network.model.withHouseholds ? `${r.households.length} 户 households, ` : '';
      lines.push(['视图内服务覆盖 Reach in view', `${what}${r.buildings.length} 栋 buildings`]);
    }
    return lines;
  }

  /** Opens a node wherever it belongs: in the current network, the org chart, or its area's network. */
  async open(id, type = typeOf(id)) {
    if (this.state.view === 'network' && this.network.has(id)) {
      await this.select(id, { center: true });
      return;
    }
    if (type === 'PartyOrganization') {
      await this.showInTree(id);
      return;
    }
    if (AREA_TYPES.includes(type)) {
      await this.showNetwork(id, { select: id });
      return;
    }
    const area = await this.busy('定位 Locating', () => this.homeArea(id));
    if (area) await this.showNetwork(area, { select: id });
    else this.setStatus('无法确定所在区域 (no area to show this node in)', true);
  }

  async homeArea(id) {
    const n = (await gql(HOME, { id })).node;
    if (!n) return null;
    const pick = (areas) => (areas.find((a) => a.__typename === 'Community') || areas[0])?.id;
    switch (n.__typename) {
      case 'Household': return n.building?.grid?.id;
      case 'PartyMember': return n.household?.building?.grid?.id;
      case 'VanguardStation': return n.building?.grid?.id;
      case 'Alliance': return pick(n.serves.nodes);
      case 'AllianceMember': {
        const served = n.alliances.nodes.flatMap((a) => a.serves.nodes);
        return served.find((a) => a.__typename === 'Community')?.id || n.manages.nodes[0]?.grid?.community?.id || pick(served);
      }
      case 'PartyOrganization': return n.governs.nodes[0]?.id;
      default: return null;
    }
  }

  // --- breadcrumb ----------------------------------------------------------------------
  renderBreadcrumb() {
    const ol = $('breadcrumb-list');
    const items = [];
    const crumb = (text, onClick, current = false) => {
      const li = document.createElement('li');
      if (onClick && !current) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'linklike';
        b.textContent = text;
        b.addEventListener('click', onClick);
        li.append(b);
      } else {
        li.textContent = text;
        if (current) li.setAttribute('aria-current', 'page');
      }
      items.push(li);
    };
    if (this.state.view === 'network' && this.network.model) {
      crumb('江阴市 City', () => this.showTree());
      const path = this.network.model.path;
      path.forEach((p, i) => crumb(`${KINDS[p.type]?.zh || ''} ${p.name}`, () => this.showNetwork(p.id, { select: p.id }), i === path.length - 1 && !this.state.sel));
      const sel = this.state.sel && this.network.model.nodes.get(this.state.sel);
      if (sel && !path.some((p) => p.id === sel.id)) {
        const b = sel.type === 'Household' ? this.network.model.nodes.get(sel.area) : null;
        if (b && !path.some((p) => p.id === b.id)) crumb(`${KINDS.Building.zh} ${b.name}`, () => this.select(b.id, { center: true }));
        crumb(`${KINDS[sel.type]?.zh || ''} ${sel.name}`, null, true);
      }
    } else {
      crumb('组织架构 Org chart', () => this.tree.fit(), !this.state.sel);
      const chain = [];
      for (let item = this.state.sel && this.tree.item(this.state.sel); item && item.id !== 'root'; item = item.parent) chain.unshift(item);
      chain.forEach((item, i) => crumb(item.name, () => this.select(item.id, { center: true }), i === chain.length - 1));
    }
    ol.replaceChildren(...items);
  }

  // --- export --------------------------------------------------------------------------
  async exportView(fmt) {
    const network = this.state.view === 'network' && this.network.cy;
    const area = network ? this.network.model.nodes.get(this.network.model.area.id) : null;
    const base = network ? `civicmesh-network-${area?.localId || 'area'}` : 'civicmesh-org-chart';
    if (fmt === 'png') {
      download(network ? this.network.png() : await svgToPng(this.tree.svgText()), `${base}.png`);
    } else if (fmt === 'svg') {
      download(network ? this.network.svg() : this.tree.svgText(), `${base}.svg`, 'image/svg+xml');
    } else {
      const doc = graphDocument(network ? this.network.graph() : this.tree.graph());
      if (fmt === 'json') download(toJson(doc), `${base}.json`, 'application/json');
      else download(toGraphml(doc), `${base}.graphml`, 'application/graphml+xml');
    }
  }

  // --- start ---------------------------------------------------------------------------
  markReady() {
    if (this.timings.firstView == null) {
      this.timings.firstView = Math.round(performance.now());
      document.body.dataset.ready = 'true';
    }
  }

  async start() {
    renderSignedIn();
    renderLegend($('legend'), this.state.view);
    const initial = readState(); // the tree's first expansion rewrites this.state
    await this.busy('加载组织树 Loading org chart', () => this.tree.init());
    await this.applyState(initial);
    this.markReady();
  }
}

const explorer = new Explorer();
window.civicExplorer = explorer;
explorer.start();
