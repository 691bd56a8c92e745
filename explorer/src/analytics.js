// Optional analytics fields of the API: `coverage` and `allianceReach`.  The page asks for them
// after a view is drawn and uses them when they answer; when the service has no such field
// (an older service, or a schema without analytics) or the call fails, the page keeps its own
// computation (coverage.js, reach in network.js): the colouring never waits for or depends on them.

import { gql } from './api.js';

const TALLY = 'area { id } households { total covered } active { households }';

// The area with its breakdown one level down, and the grids and buildings under it when the
// area lies above them: every pie the network view draws then has the service's exact figure
// (a household linked by a vanguard from outside the view still counts as covered).
const COVERAGE = `query ExplorerCoverage($area: ID, $asOf: Date, $grids: Boolean!, $buildings: Boolean!) {
  coverage(area: $area, asOf: $asOf) { ${TALLY} breakdown { ${TALLY} } }
  grids: coverage(area: $area, asOf: $asOf, by: GRID) @include(if: $grids) { breakdown { ${TALLY} } }
  buildings: coverage(area: $area, asOf: $asOf, by: BUILDING) @include(if: $buildings) { breakdown { ${TALLY} } } }`;

const ABOVE_GRIDS = new Set(['City', 'Street', 'Community']);

const REACH = `query ExplorerReach($area: ID) { allianceReach(area: $area) { units { unit localId households } } }`;

const isMissingField = (err) => (err.errors || []).some((e) => /Cannot query field/.test(e.message));

export class Analytics {
  constructor() {
    this.missing = new Set(); // fields the service does not have
  }

  async ask(field, query, variables) {
    if (this.missing.has(field)) return null;
    try {
      return await gql(query, variables);
    } catch (err) {
      if (isMissingField(err)) this.missing.add(field);
      return null;
    }
  }

  /** Map areaId -> {total, covered, active} for the area and the areas below it that the
   * network view draws (one level down, grids and buildings), or null. */
  async coverage(areaId, asOf, areaType) {
    const variables = {
      area: areaId, asOf,
      grids: ABOVE_GRIDS.has(areaType), buildings: ABOVE_GRIDS.has(areaType) || areaType === 'Grid',
    };
    const data = await this.ask('coverage', COVERAGE, variables);
    if (!data || !data.coverage) return null;
    const c = data.coverage;
    const tally = (r) => ({ total: r.households.total, covered: r.households.covered, active: r.active ? r.active.households : 0 });
    const out = new Map([[c.area.id || areaId, tally(c)]]);
    for (const part of [c, data.grids, data.buildings]) {
      for (const row of (part && part.breakdown) || []) if (row.area.id) out.set(row.area.id, tally(row));
    }
    return out;
  }

  /** Map unitId -> households it reaches in the area (global and local ids both keyed), or null. */
  async reach(areaId) {
    const data = await this.ask('allianceReach', REACH, { area: areaId });
    const r = data && data.allianceReach;
    if (!r) return null;
    const out = new Map();
    for (const u of r.units) {
      out.set(u.unit, u.households);
      out.set(u.localId, u.households);
    }
    return out;
  }
}
