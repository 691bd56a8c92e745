// The details panel of the selected node: its properties as the API returns them (personal
// information masked unless the service reveals it), counts and neighbours, and actions.

import { gql } from './api.js';
import { APPEAL_FRAGMENT, appealsSection } from './appeals.js';
import { assessmentsSection } from './assessments.js';
import { FIELDS, KINDS, enumText, kindText } from './labels.js';
import { workSection } from './work.js';
import { WORKER_FRAGMENT, workersSection } from './workers.js';

const DETAILS = `query Details($id: ID!) { node(id: $id) { __typename id localId
  ... on Street { name code communities(first: 0) { totalCount } }
  ... on Community { name code communityKind: kind street { id name } grids(first: 0) { totalCount }
    servedBy(first: 20) { nodes { id name } } }
  ... on Grid { name kinds targetHouseholds community { id name } buildings(first: 0) { totalCount } }
  ... on Building { name buildingKind: kind address grid { id name } households(first: 0) { totalCount }
    managedBy(first: 10) { nodes { id name } } }
  ... on Household { name address size tags headName phone headIdNumber building { id name grid { id } }
    linkedBy(first: 10) { edges { since node { id name } } } visits(last: 5) { edges { on node { id name } } } }
  ... on PartyOrganization { name level star parent { id name } children(first: 0) { totalCount }
    members(first: 0) { totalCount } governs(first: 10) { nodes { __typename id name } }
    leadsAlliances(first: 10) { nodes { id name } } unit { id name } }
  ... on PartyMember { name memberKind: kind vanguard gender birthYear phone idNumber
    linkedHouseholds(first: 0) { totalCount } linkedMembers(first: 0) { totalCount } household { id building { grid { id } } } }
  ... on VanguardStation { name building { id name grid { id } } runBy(first: 5) { nodes { id name } }
    partyGroup { id name } }
  ... on Alliance { name theme members(first: 0) { totalCount } serves(first: 20) { nodes { __typename id name } }
    ledBy(first: 5) { nodes { id name } } }
  ... on AllianceMember { name unitKind: kind creditCode resources alliances(first: 20) { nodes { id name } }
    manages(first: 0) { totalCount } branch { id name } }
  ${APPEAL_FRAGMENT} ${WORKER_FRAGMENT} } }`;

const PLAIN = ['localId', 'name', 'code', 'kinds', 'targetHouseholds', 'kind', 'address', 'size', 'tags',
  'headName', 'phone', 'headIdNumber', 'level', 'star', 'vanguard', 'gender', 'birthYear', 'idNumber', 'theme',
  'creditCode', 'resources'];
const ENUM_FIELDS = new Set(['kinds', 'kind', 'tags', 'level', 'star', 'gender', 'resources']);

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

function valueText(key, value) {
  if (value == null || (Array.isArray(value) && !value.length)) return '—';
  if (typeof value === 'boolean') return value ? '是 yes' : '否 no';
  if (ENUM_FIELDS.has(key)) return (Array.isArray(value) ? value : [value]).map(enumText).join('、');
  return String(value);
}

export class DetailsPanel {
  /** actions: {open(id), openNetwork(areaId), showInTree(orgId)}; extra(id): lines from the view. */
  constructor(container, actions) {
    this.container = container;
    this.actions = actions;
    this.current = null;
    this.clear();
  }

  clear() {
    this.current = null;
    this.container.replaceChildren(el('p', { class: 'hint' }, '点击节点查看详情。Select a node to see its details.'));
  }

  link(node, text) {
    if (!node) return '—';
    return el('button', { type: 'button', class: 'linklike', onclick: () => this.actions.open(node.id, node.__typename) }, text || node.name);
  }

  async show(id, extraLines = []) {
    this.current = id;
    this.container.replaceChildren(el('p', { class: 'hint' }, '加载中… Loading…'));
    let node;
    try {
      node = (await gql(DETAILS, { id })).node;
    } catch (err) {
      if (this.current === id) this.container.replaceChildren(el('p', { class: 'error' }, err.message));
      return null;
    }
    if (this.current !== id) return null;
    if (node) node.kind = node.buildingKind ?? node.memberKind ?? node.unitKind ?? node.communityKind ?? node.kind;
    if (!node) {
      this.container.replaceChildren(el('p', { class: 'error' }, `找不到 (not found): ${id}`));
      return null;
    }
    const type = node.__typename;
    const k = KINDS[type];
    const head = el('div', { class: 'details-head' },
      el('span', { class: 'swatch', style: `background:${k?.color || '#999'}` }),
      el('span', { class: 'kind' }, kindText(type)));
    const title = el('h2', { id: 'details-title' }, node.name || node.title || node.localId);
    const dl = el('dl');
    const row = (label, value) => dl.append(el('dt', {}, label), el('dd', {}, value));
    for (const key of PLAIN) {
      if (node[key] !== undefined && key !== 'name') row(FIELDS[key] || key, valueText(key, node[key]));
    }
    for (const line of extraLines) row(line[0], line[1]);
    this.relations(node, row);
    const actions = el('div', { class: 'actions' });
    this.actionButtons(node, actions);
    this.container.replaceChildren(head, title, dl, actions);
    await appealsSection(this, node);
    await workSection(this, node);
    await workersSection(this, node);
    await assessmentsSection(this, node);
    return node;
  }

  /** Adds a line to the panel, if it still shows `id`. */
  addLine(id, label, value) {
    if (this.current !== id) return;
    const dl = this.container.querySelector('dl');
    if (!dl) return;
    const dt = el('dt', {}, label);
    const dd = el('dd', {}, value);
    dl.append(dt, dd);
  }

  relations(n, row) {
    const list = (nodes) => {
      const wrap = el('span', { class: 'list' });
      for (const x of nodes) wrap.append(this.link(x));
      return nodes.length ? wrap : '—';
    };
    const count = (c) => (c ? String(c.totalCount) : '—');
    switch (n.__typename) {
      case 'Street': row('社区数 Communities', count(n.communities)); break;
      case 'Community':
        row('所属街道 Street', this.link(n.street && { ...n.street, __typename: 'Street' }));
        row('网格数 Grids', count(n.grids));
        row('服务联盟 Served by', list((n.servedBy?.nodes || []).map((x) => ({ ...x, __typename: 'Alliance' }))));
        break;
      case 'Grid':
        row('所属社区 Community', this.link(n.community && { ...n.community, __typename: 'Community' }));
        row('楼栋数 Buildings', count(n.buildings));
        break;
      case 'Building':
        row('所属网格 Grid', this.link(n.grid && { ...n.grid, __typename: 'Grid' }));
        row('户数 Households', count(n.households));
        row('物业 Managed by', list((n.managedBy?.nodes || []).map((x) => ({ ...x, __typename: 'AllianceMember' }))));
        break;
      case 'Household':
        row('所属楼栋 Building', this.link(n.building && { ...n.building, __typename: 'Building' }));
        row('联系党员 Linked by', list((n.linkedBy?.edges || []).map((e) => ({ ...e.node, __typename: 'PartyMember' }))));
        row('最近走访 Last visits', (n.visits?.edges || []).map((e) => `${e.on} ${e.node.name}`).join('；') || '—');
        break;
      case 'PartyOrganization':
        row('上级 Reports to', this.link(n.parent && { ...n.parent, __typename: 'PartyOrganization' }));
        row('下级组织 Children', count(n.children));
        row('党员数 Members', count(n.members));
        row('管辖 Governs', list(n.governs?.nodes || []));
        row('牵头联盟 Leads', list((n.leadsAlliances?.nodes || []).map((x) => ({ ...x, __typename: 'Alliance' }))));
        if (n.unit) row('所属单位 Unit', this.link({ ...n.unit, __typename: 'AllianceMember' }));
        break;
      case 'PartyMember':
        row('联系户 Linked households', count(n.linkedHouseholds));
        row('联系党员 Linked members', count(n.linkedMembers));
        break;
      case 'VanguardStation':
        row('所在楼栋 Building', this.link(n.building && { ...n.building, __typename: 'Building' }));
        row('站长 Run by', list((n.runBy?.nodes || []).map((x) => ({ ...x, __typename: 'PartyMember' }))));
        row('所属党小组 Party group', this.link(n.partyGroup && { ...n.partyGroup, __typename: 'PartyOrganization' }));
        break;
      case 'Alliance':
        row('成员单位 Units', count(n.members));
        row('牵头组织 Led by', list((n.ledBy?.nodes || []).map((x) => ({ ...x, __typename: 'PartyOrganization' }))));
        row('服务区域 Serves', list(n.serves?.nodes || []));
        break;
      case 'AllianceMember':
        row('加入联盟 Alliances', list((n.alliances?.nodes || []).map((x) => ({ ...x, __typename: 'Alliance' }))));
        row('管理楼栋 Manages', count(n.manages));
        if (n.branch) row('党支部 Branch', this.link({ ...n.branch, __typename: 'PartyOrganization' }));
        break;
      default:
    }
  }

  actionButtons(n, box) {
    const button = (text, fn) => box.append(el('button', { type: 'button', onclick: fn }, text));
    if (['Street', 'Community', 'Grid', 'Building'].includes(n.__typename)) {
      button('网络视图 Open network', () => this.actions.openNetwork(n.id));
    }
    if (n.__typename === 'PartyOrganization') {
      if (this.actions.view() !== 'tree') button('在组织树中显示 Show in org chart', () => this.actions.showInTree(n.id));
      const area = (n.governs?.nodes || [])[0];
      if (area) button(`网络视图 Network of ${area.name}`, () => this.actions.openNetwork(area.id));
    }
  }
}
