// The monthly work in the details panel: an organization's or alliance's activities over the last
// twelve months (activityStats(holder:)), and an area's registration rate of in-service members
// (三报到, registrationStats).  Optional fields: a service without them leaves the panel as it was.

import { gql } from './api.js';

const ACTIVITIES = `query DetailsActivities($holder: ID) { activityStats(holder: $holder) {
  holders(first: 1) { figures { activities householdsServed residentsServed membersTakingPart } } } }`;

const REGISTRATION = `query DetailsRegistration($area: ID) { registrationStats(area: $area) {
  inService reported { count rate } served { count rate } } }`;

const AREAS = new Set(['Street', 'Community', 'Grid', 'Building']);

const pct = (rate) => (rate == null ? '—' : `${(rate * 100).toFixed(1)}%`);

async function ask(query, variables) {
  try {
    return await gql(query, variables);
  } catch {
    return null; // no such field, outside the viewer's scope, or the service is busy: nothing to add
  }
}

/** Adds the monthly-work lines of `node` to `panel` (while it still shows that node). */
export async function workSection(panel, node) {
  const type = node.__typename;
  if (type === 'PartyOrganization' || type === 'Alliance') {
    const data = await ask(ACTIVITIES, { holder: node.id });
    const row = data?.activityStats?.holders?.[0];
    const f = row?.figures;
    panel.addLine(node.id, '近一年活动 Activities (12 months)', f
      ? `${f.activities} 场 activities · 服务 ${f.householdsServed} 户 (${f.residentsServed} 人) · ${f.membersTakingPart} 名党员参与`
      : (data ? '0 场 none' : '—'));
  } else if (AREAS.has(type)) {
    const data = await ask(REGISTRATION, { area: node.id });
    const r = data?.registrationStats;
    if (!r) return;
    panel.addLine(node.id, '在职党员报到率 Registration (三报到)', r.inService
      ? `${r.reported.count}/${r.inService} 报到 reported (${pct(r.reported.rate)}) · ${r.served.count} 服务 served (${pct(r.served.rate)})`
      : '无在职党员 no in-service members');
  }
}
