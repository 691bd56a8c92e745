// Linkage coverage computed in the page from the data the network view fetched
// (docs/design.md "Analytics definitions"):
//   covered: some vanguard member LINKS the household;
//   active:  covered, and VISITED on a day in [asOf - 30 d, asOf] by a vanguard who LINKS it.
// Used when the API has no coverage field, and always for single households.

export const ACTIVE_WINDOW_DAYS = 31;

function dayNumber(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return Math.floor(Date.UTC(y, m - 1, d) / 86400000);
}

/**
 * @param {Array<{vanguard: string, household: string}>} links
 * @param {Array<{vanguard: string, household: string, on: string}>} visits
 * @param {string} asOf YYYY-MM-DD
 * @returns {Map<string, 'active'|'covered'>} status of every linked household (absent: uncovered)
 */
export function householdStatus(links, visits, asOf) {
  const linkedBy = new Map();
  for (const { vanguard, household } of links) {
    if (!linkedBy.has(household)) linkedBy.set(household, new Set());
    linkedBy.get(household).add(vanguard);
  }
  const status = new Map();
  for (const household of linkedBy.keys()) status.set(household, 'covered');
  const end = dayNumber(asOf);
  const start = end - (ACTIVE_WINDOW_DAYS - 1);
  for (const { vanguard, household, on } of visits) {
    const day = dayNumber(on);
    if (day < start || day > end) continue;
    const by = linkedBy.get(household);
    if (by && by.has(vanguard)) status.set(household, 'active');
  }
  return status;
}

/** An empty tally: households in total, covered (active included) and active. */
export function tally(total = 0) {
  return { total, covered: 0, active: 0 };
}

export function addStatus(t, status) {
  if (status === 'covered' || status === 'active') t.covered += 1;
  if (status === 'active') t.active += 1;
}

export function addTally(into, t) {
  into.total += t.total;
  into.covered += t.covered;
  into.active += t.active;
}

/** Shares for a pie: active, covered but not active, uncovered (percent, summing to 100). */
export function pieShares(t) {
  if (!t || !t.total) return { active: 0, covered: 0, uncovered: 100 };
  const active = (100 * t.active) / t.total;
  const covered = (100 * (t.covered - t.active)) / t.total;
  return { active, covered, uncovered: Math.max(0, 100 - active - covered) };
}

export function rateText(t) {
  if (!t || !t.total) return '—';
  const pct = (n) => `${((100 * n) / t.total).toFixed(1)}%`;
  return `覆盖 ${t.covered}/${t.total} (${pct(t.covered)}), 活跃 ${t.active} (${pct(t.active)})`;
}

/**
 * Tallies per area of a network model (households in total, covered, active), from the
 * household statuses: buildings count their households (also those not loaded), and every
 * area adds up the buildings under it.
 */
export function areaTallies(model, status) {
  const building = new Map();
  for (const n of model.nodes.values()) if (n.type === 'Household') building.set(n.id, n.area);
  for (const l of model.links) if (l.building && !building.has(l.household)) building.set(l.household, l.building);
  const tallies = new Map();
  for (const n of model.nodes.values()) {
    if (n.type === 'Building' && !n.context) tallies.set(n.id, tally(model.totals.get(n.id) ?? 0));
  }
  for (const [household, s] of status) {
    const t = tallies.get(building.get(household));
    if (t) addStatus(t, s);
  }
  for (const [id, t] of [...tallies]) {
    let parent = model.nodes.get(id).area;
    while (parent) {
      const p = model.nodes.get(parent);
      if (!p) break;
      if (!tallies.has(parent)) tallies.set(parent, tally());
      addTally(tallies.get(parent), t);
      parent = p.area;
    }
  }
  return tallies;
}
