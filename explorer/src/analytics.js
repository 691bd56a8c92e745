// Optional analytics fields of the API: `coverage` and `allianceReach`.  The page asks for them
// after a view is drawn and uses them when they answer; when the service has no such field
// (an older service, or a schema without analytics) or the call fails, the page keeps its own
// computation (coverage.js, reach in network.js): the colouring never waits for or depends on them.

import { gql } from './api.js';

const COVERAGE = `query ExplorerCoverage($area: ID, $asOf: Date) { coverage(area: $area, asOf: $asOf) {
  area { id } households { total covered } active { households }
  breakdown { area { id } households { total covered } active { households } } } }`;

const REACH = `query ExplorerReach($area: ID) { allianceReach(area: $area) { units { unit localId households } } }`;

const isMissingField = (err) => (err.errors || []).some((e) => /Cannot query field/.test(e.message));

export class Analytics {
  constructor() {
    this.missing = new Set(); // fields the service does not have
  }

  async ask(field, query, variables) {
    if (this.missing.has(field)) return null;
    try {
      return (await gql(query, variables))[field];
    } catch (err) {
      if (isMissingField(err)) this.missing.add(field);
      return null;
    }
  }

  /** Map areaId -> {total, covered, active} for the area and the areas one level below, or null. */
  async coverage(areaId, asOf) {
    const c = await this.ask('coverage', COVERAGE, { area: areaId, asOf });
    if (!c) return null;
    const tally = (r) => ({ total: r.households.total, covered: r.households.covered, active: r.active ? r.active.households : 0 });
    const out = new Map([[c.area.id || areaId, tally(c)]]);
    for (const row of c.breakdown || []) if (row.area.id) out.set(row.area.id, tally(row));
    return out;
  }

  /** Map unitId -> households it reaches in the area (global and local ids both keyed), or null. */
  async reach(areaId) {
    const r = await this.ask('allianceReach', REACH, { area: areaId });
    if (!r) return null;
    const out = new Map();
    for (const u of r.units) {
      out.set(u.unit, u.households);
      out.set(u.localId, u.households);
    }
    return out;
  }
}
