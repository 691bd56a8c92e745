// The shareable part of the page lives in the URL fragment:
//   #view=tree&sel=<id>&open=<id>,<id>          the org chart, its expanded nodes, the selection
//   #view=network&area=<id>&sel=<id>&asOf=YYYY-MM-DD   an area's network
// Opening such a URL restores the view.  IDs are the API's global IDs.

export const DEFAULT_STATE = Object.freeze({ view: 'tree', area: null, sel: null, open: [], asOf: null });

export function readState(hash = window.location.hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const view = params.get('view') === 'network' ? 'network' : 'tree';
  const open = (params.get('open') || '').split(',').filter(Boolean);
  const asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get('asOf') || '') ? params.get('asOf') : null;
  return { view, area: params.get('area') || null, sel: params.get('sel') || null, open, asOf };
}

export function stateToHash(state) {
  const params = new URLSearchParams();
  params.set('view', state.view);
  if (state.view === 'network' && state.area) params.set('area', state.area);
  if (state.sel) params.set('sel', state.sel);
  if (state.view === 'tree' && state.open && state.open.length) params.set('open', state.open.join(','));
  if (state.asOf) params.set('asOf', state.asOf);
  // Global IDs are base64: keep "=" readable, the rest is URL-safe once encoded.
  return `#${params.toString().replace(/%3D/g, '=').replace(/%2C/g, ',')}`;
}

/** Writes the state into the URL without reloading (replace: no new history entry). */
export function writeState(state, { replace = false } = {}) {
  const hash = stateToHash(state);
  if (hash === window.location.hash) return;
  const url = `${window.location.pathname}${window.location.search}${hash}`;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
