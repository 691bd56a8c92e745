// Fetches an area's network through the API and turns it into a plain graph model:
//   nodes: Map id -> {id, localId, type, name, props, area?: parent area id, context?: true}
//   edges: Map key -> {type, source, target, props}
// plus the LINKS/VISITED facts that coverage needs.  IDs are the API's global IDs; `props`
// are the data contract's property names (what the CLI exports), personal information left out.
//
// Queries per area:  structure (areas, their organizations, stations, households) and, for
// streets and communities, the vanguards living there with their links and visits (grids and
// buildings read links and visits from the households' side, exactly); then the alliances that
// serve the area, its ancestors or the communities in it, and their member units.

import { allPages, gql, typeOf } from './api.js';

const ORG = 'fragment Org on PartyOrganization { id localId name level star parent { id } }';
const VANGUARD = 'fragment Vanguard on PartyMember { id localId name kind vanguard gender birthYear stations(first: 10) { nodes { id } } }';
const GRID = `fragment GridPart on Grid { id localId name kinds targetHouseholds governedBy(first: 20) { nodes { ...Org } } }`;
const BUILDING = `fragment BuildingPart on Building { id localId name kind address
  governedBy(first: 20) { nodes { ...Org } } managedBy(first: 20) { nodes { id } }
  stations(first: 50) { nodes { id localId name } } }`;
const HH = 'fragment HouseholdPart on Household { id localId name address size tags }';
const HH_LINKS = `fragment HouseholdLinks on Household {
  linkedBy(first: 50) { edges { since node { ...Vanguard } } }
  visits(first: 200) { edges { on node { id } } } }`;
const HOUSEHOLDS = `households(first: 500) { totalCount pageInfo { hasNextPage endCursor } nodes { ...HouseholdPart } }`;
const HOUSEHOLDS_LINKED = `households(first: 500) { totalCount pageInfo { hasNextPage endCursor }
  nodes { ...HouseholdPart ...HouseholdLinks } }`;
// Grid and building views draw the grid workers and building heads (WORKS_IN) of their areas.
const WORKERS = 'workers(first: 10) { nodes { id localId name role fullTime } }';
const STATION_RUNNERS = 'stations(first: 50) { nodes { id runBy(first: 5) { nodes { ...Vanguard } } } }';

const QUERIES = {
  Street: `query NetStreet($id: ID!) { node(id: $id) { ... on Street { id localId name code
    governedBy(first: 20) { nodes { ...Org } } servedBy(first: 100) { nodes { id } }
    communities(first: 500) { nodes { id localId name code kind governedBy(first: 20) { nodes { ...Org } }
      servedBy(first: 100) { nodes { id } }
      grids(first: 500) { nodes { ...GridPart buildings(first: 500) { nodes { ...BuildingPart households(first: 0) { totalCount } } } } } } } } } }
    ${ORG} ${GRID} ${BUILDING}`,
  Community: `query NetCommunity($id: ID!) { node(id: $id) { ... on Community { id localId name code kind
    governedBy(first: 20) { nodes { ...Org } } servedBy(first: 100) { nodes { id } }
    street { id localId name code servedBy(first: 100) { nodes { id } } }
    grids(first: 500) { nodes { ...GridPart buildings(first: 500) { nodes { ...BuildingPart ${HOUSEHOLDS} } } } } } } }
    ${ORG} ${GRID} ${BUILDING} ${HH}`,
  Grid: `query NetGrid($id: ID!) { node(id: $id) { ... on Grid { ...GridPart ${WORKERS}
    community { id localId name code servedBy(first: 100) { nodes { id } } street { id localId name code servedBy(first: 100) { nodes { id } } } }
    buildings(first: 500) { nodes { ...BuildingPart ${STATION_RUNNERS} ${HOUSEHOLDS_LINKED} ${WORKERS} } } } } }
    ${ORG} ${GRID} ${BUILDING} ${HH} ${HH_LINKS} ${VANGUARD}`,
  Building: `query NetBuilding($id: ID!) { node(id: $id) { ... on Building { ...BuildingPart ${STATION_RUNNERS} ${HOUSEHOLDS_LINKED} ${WORKERS}
    grid { id localId name kinds targetHouseholds community { id localId name code servedBy(first: 100) { nodes { id } }
      street { id localId name code servedBy(first: 100) { nodes { id } } } } } } } }
    ${ORG} ${BUILDING} ${HH} ${HH_LINKS} ${VANGUARD}`,
};

const MORE_HOUSEHOLDS = `query NetMoreHouseholds($id: ID!, $after: String) { node(id: $id) { ... on Building {
  households(first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes { ...HouseholdPart } } } } } ${HH}`;

const VANGUARDS = `query NetVanguards($id: ID!, $after: String) {
  partyMembers(first: 500, after: $after, filter: { within: $id, vanguard: true }) {
    pageInfo { hasNextPage endCursor }
    nodes { ...Vanguard linkedHouseholds(first: 500) { edges { since node { id building { id } } } }
      visits(first: 500) { edges { on node { id } } } } } } ${VANGUARD}`;

const ALLIANCES = `query NetAlliances($ids: [ID!]!, $units: [ID!]!) {
  alliances: nodes(ids: $ids) { ... on Alliance { id localId name theme
    ledBy(first: 10) { nodes { ...Org } } serves(first: 200) { nodes { id } }
    members(first: 500) { edges { since node { ...Unit } } } } }
  units: nodes(ids: $units) { ...Unit } }
  fragment Unit on AllianceMember { id localId name kind creditCode resources branch { id } } ${ORG}`;

/** Areas that have a network view. */
export const AREA_TYPES = ['Street', 'Community', 'Grid', 'Building'];

const clean = (props) => Object.fromEntries(
  Object.entries(props).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)),
);

const PROPS = {
  Street: (n) => ({ name: n.name, code: n.code }),
  Community: (n) => ({ name: n.name, code: n.code, kind: n.kind }),
  Grid: (n) => ({ name: n.name, kinds: n.kinds, target_households: n.targetHouseholds }),
  Building: (n) => ({ name: n.name, kind: n.kind, address: n.address }),
  Household: (n) => ({ name: n.name, address: n.address, size: n.size, tags: n.tags }),
  PartyOrganization: (n) => ({ name: n.name, level: n.level, star: n.star }),
  // A member's name is personal information: shown (masked, as the API gives it), never exported.
  PartyMember: (n) => ({ kind: n.kind, vanguard: n.vanguard, gender: n.gender, birth_year: n.birthYear }),
  VanguardStation: (n) => ({ name: n.name }),
  Alliance: (n) => ({ name: n.name, theme: n.theme }),
  AllianceMember: (n) => ({ name: n.name, kind: n.kind, credit_code: n.creditCode, resources: n.resources }),
  // A worker's name is personal information: shown (masked, as the API gives it), never exported.
  Worker: (n) => ({ role: n.role, full_time: n.fullTime }),
};

export class NetworkModel {
  constructor(area) {
    this.area = area; // {id, type}
    this.path = []; // ancestors, root first, then the area: [{id, type, name}]
    this.nodes = new Map();
    this.edges = new Map();
    this.links = []; // {vanguard, household}
    this.visits = []; // {vanguard, household, on}
    this.totals = new Map(); // building id -> households in it (all, also when not loaded)
    this.withHouseholds = area.type !== 'Street';
    this.servedBy = new Set(); // alliance ids serving the area, its ancestors or areas in it
    this.managers = new Set(); // unit ids managing buildings in the view
    this.notes = [];
  }

  addNode(type, n, extra = {}) {
    const known = this.nodes.get(n.id);
    if (known) {
      if (known.context && !extra.context) known.context = false;
      return known;
    }
    const node = {
      id: n.id, localId: n.localId, type, name: n.name ?? n.localId, props: clean(PROPS[type](n)), ...extra,
    };
    this.nodes.set(n.id, node);
    return node;
  }

  addEdge(type, source, target, props = {}) {
    const key = `${source}|${type}|${target}`;
    if (!this.edges.has(key)) this.edges.set(key, { type, source, target, props: clean(props) });
  }

  /** Drops edges whose ends are not both in the view. */
  prune() {
    for (const [key, e] of this.edges) {
      if (!this.nodes.has(e.source) || !this.nodes.has(e.target)) this.edges.delete(key);
    }
  }
}

function addOrgs(model, conn, area) {
  for (const org of conn?.nodes || []) {
    model.addNode('PartyOrganization', org, { governs: area });
    model.addEdge('GOVERNS', org.id, area);
    if (org.parent) model.addEdge('REPORTS_TO', org.id, org.parent.id);
  }
}

function addServed(model, conn) {
  for (const a of conn?.nodes || []) model.servedBy.add(a.id);
}

function addVanguard(model, v) {
  model.addNode('PartyMember', v);
  for (const s of v.stations?.nodes || []) model.addEdge('RUNS', v.id, s.id);
}

function addHouseholdLinks(model, h) {
  for (const e of h.linkedBy?.edges || []) {
    if (!e.node.vanguard) continue;
    addVanguard(model, e.node);
    model.links.push({ vanguard: e.node.id, household: h.id });
    model.addEdge('LINKS', e.node.id, h.id, { since: e.since });
  }
  for (const e of h.visits?.edges || []) model.visits.push({ vanguard: e.node.id, household: h.id, on: e.on });
}

function addWorkers(model, conn, area) {
  for (const w of conn?.nodes || []) {
    model.addNode('Worker', w, { area });
    model.addEdge('WORKS_IN', w.id, area);
  }
}

function addBuilding(model, b, gridId) {
  model.addNode('Building', b, { area: gridId });
  addWorkers(model, b.workers, b.id);
  if (gridId) model.addEdge('PART_OF', b.id, gridId);
  addOrgs(model, b.governedBy, b.id);
  for (const u of b.managedBy?.nodes || []) {
    model.managers.add(u.id);
    model.addEdge('MANAGES', u.id, b.id);
  }
  for (const s of b.stations?.nodes || []) {
    if (s.localId) model.addNode('VanguardStation', s, { area: b.id });
    model.addEdge('LOCATED_IN', s.id, b.id);
    for (const v of s.runBy?.nodes || []) {
      addVanguard(model, v);
      model.addEdge('RUNS', v.id, s.id);
    }
  }
  const hh = b.households;
  if (hh) model.totals.set(b.id, hh.totalCount ?? (hh.nodes || []).length);
  for (const h of hh?.nodes || []) {
    model.addNode('Household', h, { area: b.id });
    model.addEdge('PART_OF', h.id, b.id);
    addHouseholdLinks(model, h);
  }
  return hh && hh.pageInfo && hh.pageInfo.hasNextPage ? [b.id, hh.pageInfo.endCursor] : null;
}

function addGrid(model, g, communityId) {
  model.addNode('Grid', g, { area: communityId });
  if (communityId) model.addEdge('PART_OF', g.id, communityId);
  addOrgs(model, g.governedBy, g.id);
  addWorkers(model, g.workers, g.id);
  return (g.buildings?.nodes || []).map((b) => addBuilding(model, b, g.id)).filter(Boolean);
}

function addContext(model, chain) {
  // chain: ancestors nearest first; they become context nodes, linked by PART_OF.
  let child = model.area.id;
  for (const [type, a] of chain) {
    if (!a) break;
    model.addNode(type, a, { context: true });
    model.addEdge('PART_OF', child, a.id);
    addServed(model, a.servedBy);
    child = a.id;
  }
  model.path = [
    ...chain.filter(([, a]) => a).reverse().map(([type, a]) => ({ id: a.id, type, name: a.name })),
    { id: model.area.id, type: model.area.type, name: model.nodes.get(model.area.id)?.name },
  ];
}

function readStructure(model, type, n) {
  const more = [];
  if (type === 'Street') {
    model.addNode('Street', n);
    addOrgs(model, n.governedBy, n.id);
    addServed(model, n.servedBy);
    for (const c of n.communities?.nodes || []) {
      model.addNode('Community', c, { area: n.id });
      model.addEdge('PART_OF', c.id, n.id);
      addOrgs(model, c.governedBy, c.id);
      addServed(model, c.servedBy);
      for (const g of c.grids?.nodes || []) more.push(...addGrid(model, g, c.id));
    }
    addContext(model, []);
  } else if (type === 'Community') {
    model.addNode('Community', n);
    addOrgs(model, n.governedBy, n.id);
    addServed(model, n.servedBy);
    for (const g of n.grids?.nodes || []) more.push(...addGrid(model, g, n.id));
    addContext(model, [['Street', n.street]]);
  } else if (type === 'Grid') {
    more.push(...addGrid(model, n, null));
    addContext(model, [['Community', n.community], ['Street', n.community?.street]]);
  } else {
    const m = addBuilding(model, n, null);
    if (m) more.push(m);
    const grid = n.grid;
    addContext(model, [['Grid', grid], ['Community', grid?.community], ['Street', grid?.community?.street]]);
  }
  return more;
}

async function loadMoreHouseholds(model, more) {
  for (const [buildingId, cursor] of more) {
    let first = true;
    const rest = await allPages(async (after) => {
      const data = await gql(MORE_HOUSEHOLDS, { id: buildingId, after: first ? cursor : after });
      first = false;
      return data.node?.households;
    });
    for (const h of rest) {
      model.addNode('Household', h, { area: buildingId });
      model.addEdge('PART_OF', h.id, buildingId);
    }
    model.notes.push(`楼栋 ${model.nodes.get(buildingId)?.name} 的住户分页加载 (paged)`);
  }
}

async function loadVanguards(model) {
  const vanguards = await allPages(async (after) => (await gql(VANGUARDS, { id: model.area.id, after })).partyMembers);
  for (const v of vanguards) {
    const inView = [];
    for (const e of v.linkedHouseholds.edges) {
      model.links.push({ vanguard: v.id, household: e.node.id, building: e.node.building?.id });
      inView.push(e);
    }
    for (const e of v.visits.edges) model.visits.push({ vanguard: v.id, household: e.node.id, on: e.on });
    addVanguard(model, v);
    for (const e of inView) {
      if (model.withHouseholds) model.addEdge('LINKS', v.id, e.node.id, { since: e.since });
    }
  }
}

async function loadAlliances(model) {
  const ids = [...model.servedBy];
  const units = [...model.managers];
  if (!ids.length && !units.length) return;
  const data = await gql(ALLIANCES, { ids, units });
  for (const a of data.alliances || []) {
    if (!a) continue;
    model.addNode('Alliance', a);
    for (const org of a.ledBy?.nodes || []) {
      if (!model.nodes.has(org.id)) model.addNode('PartyOrganization', org, { context: true });
      model.addEdge('LED_BY', a.id, org.id);
    }
    for (const s of a.serves?.nodes || []) model.addEdge('SERVES', a.id, s.id);
    for (const e of a.members?.edges || []) {
      model.addNode('AllianceMember', e.node);
      model.addEdge('JOINED', e.node.id, a.id, { since: e.since });
      if (e.node.branch) model.addEdge('BRANCH_OF', e.node.branch.id, e.node.id);
    }
  }
  for (const u of data.units || []) {
    if (!u) continue;
    model.addNode('AllianceMember', u);
    if (u.branch) model.addEdge('BRANCH_OF', u.branch.id, u.id);
  }
}

/** Loads the network of an area (global ID of a Street, Community, Grid or Building). */
export async function loadNetwork(areaId) {
  const type = typeOf(areaId);
  if (!AREA_TYPES.includes(type)) throw new Error(`不是区域 (not an area): ${areaId}`);
  const model = new NetworkModel({ id: areaId, type });
  const fromVanguards = type === 'Street' || type === 'Community';
  const [structure, vanguards] = await Promise.all([
    gql(QUERIES[type], { id: areaId }),
    fromVanguards ? loadVanguards(model).then(() => true) : Promise.resolve(false),
  ]);
  if (!structure.node) throw new Error(`找不到区域 (no such area): ${areaId}`);
  const more = readStructure(model, type, structure.node);
  if (more.length) await loadMoreHouseholds(model, more);
  if (vanguards && !model.withHouseholds) {
    model.notes.push('街道视图不显示住户 (households hidden at street level: open a community)');
  }
  await loadAlliances(model);
  model.prune();
  dropStrayVanguards(model);
  return model;
}

/** Vanguards with nothing in the view (no station, no linked household shown) are left out. */
function dropStrayVanguards(model) {
  const touched = new Set(model.links.map((l) => l.vanguard));
  for (const e of model.edges.values()) {
    if (e.type === 'RUNS' || e.type === 'LINKS') touched.add(e.source);
  }
  for (const [id, n] of model.nodes) {
    if (n.type === 'PartyMember' && !touched.has(id)) {
      model.nodes.delete(id);
    }
  }
  model.prune();
}
