// Appeals (诉求) in the details panel: an area's open queue, overdue first (the API sorts by due
// day), and an appeal's properties and history.  The panel calls appealsSection() after it has
// shown a node; everything about appeals stays in this module.

import { gql } from './api.js';

/** Added to the details query: what the panel shows of an appeal. */
export const APPEAL_FRAGMENT = `
  ... on Appeal { title status category source difficult reportedOn acceptedOn resolvedOn closedOn due
    satisfaction overdue description
    concerns { __typename id ... on Area { name } ... on Household { name } }
    assignedTo { since handler { __typename id ... on PartyOrganization { name } ... on PartyMember { name }
      ... on AllianceMember { name } ... on Alliance { name } } }
    history { at from to actor } }`;

const QUEUE = `query Queue($id: ID!) { node(id: $id) {
  ... on Street { appealsWithin(first: 20, filter: {status: [REPORTED, ACCEPTED, ASSIGNED]}) { ...Q } }
  ... on Community { appealsWithin(first: 20, filter: {status: [REPORTED, ACCEPTED, ASSIGNED]}) { ...Q } }
  ... on Grid { appealsWithin(first: 20, filter: {status: [REPORTED, ACCEPTED, ASSIGNED]}) { ...Q } }
  ... on Building { appealsWithin(first: 20, filter: {status: [REPORTED, ACCEPTED, ASSIGNED]}) { ...Q } } } }
fragment Q on AppealConnection { totalCount nodes { id title status category due overdue } }`;

export const STATUS = {
  REPORTED: '已反映 reported', ACCEPTED: '已受理 accepted', ASSIGNED: '已派单 assigned',
  RESOLVED: '已办结 resolved', CLOSED: '已归档 closed', REJECTED: '不予受理 rejected',
};
const CATEGORY = {
  HOUSING_SAFETY: '房屋安全', SANITATION: '环境卫生', PROPERTY_SERVICE: '物业服务', ELDERLY_CARE: '养老服务',
  PARKING: '停车', NEIGHBOUR_DISPUTE: '邻里纠纷', PUBLIC_SAFETY: '治安', FACILITIES: '设施维修', OTHER: '其他',
};
const SATISFACTION = { SATISFIED: '满意', BASICALLY_SATISFIED: '基本满意', UNSATISFIED: '不满意' };
const AREAS = ['Street', 'Community', 'Grid', 'Building'];

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

const text = (map, value) => (value ? `${map[value] || value}` : '—');

/** The rows of an appeal for the panel's list: [label, value]. */
export function appealRows(a) {
  return [
    ['状态 Status', text(STATUS, a.status)],
    ['类别 Category', `${text(CATEGORY, a.category)} (${a.category})`],
    ['反映日期 Reported', a.reportedOn],
    ['办理时限 Due', a.overdue ? `${a.due} · 超期 overdue` : a.due || '—'],
    ['办结日期 Resolved', a.resolvedOn || '—'],
    ['满意度 Review', text(SATISFACTION, a.satisfaction)],
    ['疑难 Difficult', a.difficult ? '是 yes' : '否 no'],
    ['诉求内容 Description', a.description || '—'],
  ];
}

function historyTable(history) {
  const table = el('table', { class: 'appeal-history' },
    el('caption', {}, '流转记录 History'),
    el('thead', {}, el('tr', {}, ...['时间 When', '从 From', '到 To', '经办 By'].map((h) => el('th', { scope: 'col' }, h)))));
  const body = el('tbody');
  for (const h of history) {
    body.append(el('tr', {},
      el('td', {}, h.at.replace('T', ' ').slice(0, 16)),
      el('td', {}, h.from ? text(STATUS, h.from) : '—'),
      el('td', {}, text(STATUS, h.to)),
      el('td', {}, h.actor)));
  }
  table.append(body);
  return table;
}

function queueList(panel, conn) {
  const list = el('ol', { class: 'appeal-queue' });
  for (const a of conn.nodes) {
    const item = el('li', { class: a.overdue ? 'overdue' : '', 'data-id': a.id },
      el('button', { type: 'button', class: 'linklike', onclick: () => panel.show(a.id) }, a.title),
      el('span', { class: 'due' }, ` ${a.due || ''} ${a.overdue ? '超期 overdue' : ''}`),
      el('span', { class: 'state' }, ` ${text(STATUS, a.status)}`));
    list.append(item);
  }
  return list;
}

/** What the panel adds after showing `node` (it still shows it when this resolves). */
export async function appealsSection(panel, node) {
  if (node.__typename === 'Appeal' || node.__typename === 'Activity') {
    const kind = panel.container.querySelector('.kind');
    if (kind) kind.textContent = node.__typename === 'Appeal' ? '诉求 Appeal' : '活动/会议 Activity';
  }
  if (node.__typename === 'Appeal') {
    const dl = panel.container.querySelector('dl');
    for (const [label, value] of appealRows(node)) dl?.append(el('dt', {}, label), el('dd', {}, value));
    const where = node.concerns;
    if (where) dl?.append(el('dt', {}, '涉及 Concerns'), el('dd', {}, panel.link(where)));
    const handler = node.assignedTo?.handler;
    if (handler) {
      dl?.append(el('dt', {}, '承办 Handler'),
        el('dd', {}, panel.link(handler), ` (${node.assignedTo.since || '?'} 起 since)`));
    }
    panel.container.append(historyTable(node.history || []));
    return;
  }
  if (!AREAS.includes(node.__typename)) return;
  const id = node.id;
  let conn;
  try {
    conn = (await gql(QUEUE, { id })).node?.appealsWithin;
  } catch (err) {
    conn = null;
  }
  if (!conn || panel.current !== id) return;
  const section = el('section', { class: 'appeals', 'aria-labelledby': 'appeal-queue-title' },
    el('h3', { id: 'appeal-queue-title' }, `诉求队列 Open appeals (${conn.totalCount})`));
  if (conn.nodes.length) section.append(queueList(panel, conn));
  else section.append(el('p', { class: 'hint' }, '没有未办结的诉求。No open appeals.'));
  panel.container.append(section);
}
