// The people who work the grid (工作人员) in the details panel: a worker's role, where it works,
// its station and what it guides; a guidance station's streets and instructors; an area's
// workers and an organization's or a unit's instructors.  The panel calls workersSection()
// after it has shown a node; everything about workers stays in this module.

import { gql } from './api.js';

/** Added to the details query: what the panel shows of a worker and a station. */
export const WORKER_FRAGMENT = `
  ... on Worker { name phone role fullTime worksIn(first: 5) { edges { since node { __typename id name } } }
    station { id name } member { id name } guides(first: 20) { totalCount nodes { __typename id
      ... on PartyOrganization { name } ... on AllianceMember { name } } } }
  ... on GuidanceStation { name serves(first: 20) { nodes { id name } } instructors(first: 0) { totalCount } }`;

const RELATED = `query Workers($id: ID!) { node(id: $id) {
  ... on Street { workers(first: 20) { ...W } guidanceStations(first: 5) { nodes { id name } } }
  ... on Community { workers(first: 20) { ...W } }
  ... on Grid { workers(first: 20) { ...W } }
  ... on Building { workers(first: 20) { ...W } }
  ... on PartyOrganization { guidedBy(first: 10) { ...W } }
  ... on AllianceMember { guidedBy(first: 10) { ...W } } } }
fragment W on WorkerSinceConnection { totalCount nodes { id name role fullTime } }`;

/** Roles (WorkerRole) with their Chinese terms. */
export const ROLES = {
  GRID_WORKER: '网格员 grid worker',
  BUILDING_HEAD: '楼栋长 building head',
  INSTRUCTOR: '党建指导员 instructor',
  SOCIAL_WORKER: '社区工作者 community worker',
};
const WITH_WORKERS = ['Street', 'Community', 'Grid', 'Building', 'PartyOrganization', 'AllianceMember'];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function links(panel, nodes, typename) {
  if (!nodes.length) return '—';
  const wrap = el('span', { class: 'list' });
  for (const n of nodes) wrap.append(panel.link(typename ? { ...n, __typename: typename } : n));
  return wrap;
}

/** A button that shows a worker or a station in the panel (they have no view of their own). */
function showLink(panel, node, text) {
  return el('button', { type: 'button', class: 'linklike', onclick: () => panel.show(node.id) }, text || node.name);
}

function workerLabel(w) {
  return `${w.name} · ${ROLES[w.role] || w.role}${w.fullTime ? ' · 专职' : ''}`;
}

/** What the panel adds after showing `node` (it still shows it when this resolves). */
export async function workersSection(panel, node) {
  const dl = panel.container.querySelector('dl');
  const row = (label, value) => dl?.append(el('dt', {}, label), el('dd', {}, value));
  if (node.__typename === 'Worker') {
    row('岗位 Role', ROLES[node.role] || node.role);
    row('专职 Full-time', node.fullTime ? '是 yes' : '否 no (兼职 part-time)');
    row('电话 Phone', node.phone || '—');
    row('工作区域 Works in', links(panel, (node.worksIn?.edges || []).map((e) => e.node)));
    if (node.station) row('指导站 Station', showLink(panel, node.station));
    if (node.member) row('党员 Party member', panel.link({ ...node.member, __typename: 'PartyMember' }));
    if (node.role === 'INSTRUCTOR') {
      row(`指导 Guides (${node.guides?.totalCount ?? 0})`, links(panel, node.guides?.nodes || []));
    }
    return;
  }
  if (node.__typename === 'GuidanceStation') {
    const kind = panel.container.querySelector('.kind');
    if (kind) kind.textContent = '基层党建工作指导站 Guidance station';
    row('服务街道 Serves', links(panel, node.serves?.nodes || [], 'Street'));
    row('指导员 Instructors', String(node.instructors?.totalCount ?? 0));
    return;
  }
  if (!WITH_WORKERS.includes(node.__typename)) return;
  const id = node.id;
  let found;
  try {
    found = (await gql(RELATED, { id })).node;
  } catch (err) {
    found = null;
  }
  if (!found || panel.current !== id) return;
  const conn = found.workers || found.guidedBy;
  if (!conn) return;
  const title = found.guidedBy ? '党建指导员 Instructors' : '工作人员 Workers';
  const section = el('section', { class: 'workers', 'aria-labelledby': 'workers-title' },
    el('h3', { id: 'workers-title' }, `${title} (${conn.totalCount})`));
  if (conn.nodes.length) {
    const list = el('ul', { class: 'worker-list' });
    for (const w of conn.nodes) {
      list.append(el('li', {}, showLink(panel, w, workerLabel(w))));
    }
    section.append(list);
  } else if (found.workers) {
    section.append(el('p', { class: 'hint' }, node.__typename === 'Grid'
      ? '没有网格员。No grid worker works here.' : '没有工作人员。No workers here.'));
  } else {
    section.append(el('p', { class: 'hint' }, '没有指导员。No instructor guides it.'));
  }
  const stations = found.guidanceStations?.nodes || [];
  if (stations.length) {
    const wrap = el('span', { class: 'list' });
    for (const s of stations) wrap.append(showLink(panel, s));
    section.append(el('p', {}, '指导站 Stations: ', wrap));
  }
  panel.container.append(section);
}
