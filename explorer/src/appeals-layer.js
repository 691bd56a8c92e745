// The appeals layer of the network view: buildings coloured by their residents' appeals (接诉即办),
// from the API's `appealStats(by: BUILDING)` (docs/design.md "Appeals"):
//   overdue: some appeal about the building (or a household in it) is still open past its due date;
//   open:    some appeal is still open (REPORTED, ACCEPTED or ASSIGNED), none overdue;
// as of the page's "as of" day.  The layer is off until its checkbox is ticked; a service without
// `appealStats` leaves the checkbox disabled with a note.  Nothing here changes the other layers:
// the colours are a ring (border) and a halo (underlay) added with classes and a style of their own.

import { gql } from './api.js';

export const APPEALS = {
  overdue: { zh: '有超期诉求', en: 'overdue appeals', color: '#c62828' },
  open: { zh: '有在办诉求', en: 'open appeals', color: '#ef6c00' },
};

const QUERY = `query ExplorerAppeals($area: ID, $asOf: Date, $building: Boolean!) {
  appealStats(area: $area, to: $asOf, asOf: $asOf, by: BUILDING) @skip(if: $building) {
    breakdown(withAppealsOnly: true, orderBy: MOST_OVERDUE) { area { id } open overdue } }
  one: appealStats(area: $area, to: $asOf, asOf: $asOf) @include(if: $building) { area { id } open overdue } }`;

const STYLE = [
  {
    selector: 'node.ap-open',
    style: {
      'border-width': 4, 'border-color': APPEALS.open.color, 'border-opacity': 1, 'border-style': 'solid',
      'underlay-color': APPEALS.open.color, 'underlay-opacity': 0.35, 'underlay-padding': 4, 'underlay-shape': 'ellipse',
    },
  },
  {
    selector: 'node.ap-overdue',
    style: {
      'border-width': 5, 'border-color': APPEALS.overdue.color, 'border-opacity': 1, 'border-style': 'solid',
      'underlay-color': APPEALS.overdue.color, 'underlay-opacity': 0.45, 'underlay-padding': 5, 'underlay-shape': 'ellipse',
    },
  },
];

/** 'overdue', 'open' or null for a building's counts. */
export function appealStatus(counts) {
  if (!counts) return null;
  if (counts.overdue > 0) return 'overdue';
  if (counts.open > 0) return 'open';
  return null;
}

/** "在办 n · 超期 m" for the details panel. */
export function appealText(counts) {
  if (!counts) return '无在办诉求 no open appeals';
  return `在办 open ${counts.open} · 超期 overdue ${counts.overdue}`;
}

export class AppealsLayer {
  constructor({ status } = {}) {
    this.enabled = false;
    this.missing = false; // the service has no appealStats
    this.counts = new Map(); // building global id -> {open, overdue}
    this.key = null;
    this.status = status || (() => {});
  }

  /** Map building id -> {open, overdue} for the buildings under an area with an open appeal, or null. */
  async fetch(areaId, areaType, asOf) {
    if (this.missing) return null;
    const building = areaType === 'Building';
    let data;
    try {
      data = await gql(QUERY, { area: areaId, asOf, building });
    } catch (err) {
      if ((err.errors || []).some((e) => /Cannot query field/.test(e.message))) this.missing = true;
      return null;
    }
    const out = new Map();
    const rows = building ? [data.one] : (data.appealStats ? data.appealStats.breakdown : []);
    for (const row of rows) if (row && row.area.id) out.set(row.area.id, { open: row.open, overdue: row.overdue });
    return out;
  }

  /** Fetches the counts of the view's area (when on) and colours its buildings. */
  async refresh(cy, area, asOf) {
    if (!cy) return;
    if (!this.enabled) {
      this.clear(cy);
      return;
    }
    const key = `${area.id}|${asOf}`;
    const counts = await this.fetch(area.id, area.type, asOf);
    if (cy.destroyed()) return;
    if (!counts) {
      this.status(this.missing ? '服务没有诉求分析 (the service has no appealStats)' : '诉求数据暂不可用 (appeals unavailable)');
      return;
    }
    this.counts = counts;
    this.key = key;
    this.paint(cy);
    const overdue = [...counts.values()].filter((c) => c.overdue > 0).length;
    const open = [...counts.values()].filter((c) => appealStatus(c) === 'open').length;
    this.status(`诉求 Appeals: ${overdue} 栋有超期 buildings overdue, ${open} 栋在办 open`);
  }

  paint(cy) {
    if (!cy.scratch('_appealsStyle')) {
      const sheet = cy.style();
      for (const s of STYLE) sheet.selector(s.selector).style(s.style);
      sheet.update();
      cy.scratch('_appealsStyle', true);
    }
    cy.batch(() => {
      cy.nodes('.ap-open, .ap-overdue').removeClass('ap-open ap-overdue');
      for (const [id, c] of this.counts) {
        const s = appealStatus(c);
        const el = cy.getElementById(id);
        if (s && el.nonempty() && el.data('kind') === 'Building') el.addClass(`ap-${s}`).data({ apOpen: c.open, apOverdue: c.overdue });
      }
    });
  }

  clear(cy) {
    if (cy && !cy.destroyed()) cy.batch(() => cy.nodes('.ap-open, .ap-overdue').removeClass('ap-open ap-overdue'));
  }

  countsOf(id) {
    return this.enabled ? this.counts.get(id) || null : undefined;
  }
}
