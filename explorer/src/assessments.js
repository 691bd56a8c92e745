// A branch's 双强双优 assessment history (考核) in the details panel: every check of every round,
// oldest round first, the final one of each round marked.  The panel calls assessmentsSection()
// after it has shown a node; everything about assessments stays in this module.

import { gql } from './api.js';

const HISTORY = `query Assessments($id: ID!) { node(id: $id) {
  ... on PartyOrganization { star assessments { id round kind on result rectifyBy
    scores { name met requirements } assessedBy { id __typename ... on PartyOrganization { name } ... on Worker { name role } } } } } }`;

export const ASSESSMENT_KINDS = {
  SELF: '自查 self', SECOND: '复查 second', CROSS: '交叉互查 cross', SPOT: '重点抽查 spot',
};
export const RESULTS = {
  DEMONSTRATION: '示范 ★★★', EXCELLENT: '优秀 ★★', QUALIFIED: '合格 ★', UNQUALIFIED: '不合格 ☆',
};

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

/** Who assessed: an organization by its name, an instructor (a Worker) as 指导员 and its (masked) name. */
export function assessorName(o) {
  return o.__typename === 'Worker' ? `${ASSESSOR_WORKER} ${o.name || ''}`.trim() : o.name;
}

export const ASSESSOR_WORKER = '指导员';

/** Rows of the history table: the last assessment of a round (the API orders them so) is its final one. */
export function historyRows(assessments) {
  return assessments.map((a, i) => {
    const next = assessments[i + 1];
    const final = !next || next.round !== a.round;
    const scores = (a.scores || []).map((s) => `${s.name} ${s.met}/${s.requirements}`).join('、');
    return {
      round: a.round,
      kind: ASSESSMENT_KINDS[a.kind] || a.kind,
      on: a.on,
      result: `${RESULTS[a.result] || a.result}${final ? ' · 本轮结论 final' : ''}`,
      rectifyBy: a.rectifyBy || '',
      by: (a.assessedBy || []).map(assessorName).join('、'),
      scores,
    };
  });
}

export async function assessmentsSection(panel, node) {
  if (node.__typename !== 'PartyOrganization') return;
  const id = node.id;
  let found;
  try {
    found = (await gql(HISTORY, { id })).node;
  } catch (err) {
    found = null;
  }
  if (panel.current !== id || !found || !found.assessments?.length) return;
  const table = el('table', { class: 'assessments' },
    el('caption', {}, '考核记录 Assessments (双强双优)'),
    el('thead', {}, el('tr', {}, ...['轮次 round', '方式 check', '日期 on', '等次 result', '整改期限 rectify by', '考核单位 by']
      .map((h) => el('th', {}, h)))));
  const body = el('tbody');
  for (const r of historyRows(found.assessments)) {
    const tr = el('tr', { title: r.scores }, ...[r.round, r.kind, r.on, r.result, r.rectifyBy, r.by].map((v) => el('td', {}, v)));
    body.append(tr);
  }
  table.append(body);
  panel.container.append(table);
}
