// Export of the current view: PNG and SVG pictures, and the graph as the CLI's JSON graph
// document ({"nodes":[{"label","id","properties"}],"relationships":[{"type","start","end","properties"}]})
// or GraphML in the same form as `civicmesh export --format graphml` (networkx): node attribute
// `label`, edge attribute `type`, lists joined with ";", edge ids "start|key|end".
// Ids are the graph's own ids (localId); personal information is left out, as the CLI does.

const sortKey = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** `rel_key` of the data contract: VISITED is keyed by its day, other types by the type. */
function relKey(type, props) {
  return type === 'VISITED' ? `${type}|${props.on ?? ''}` : type;
}

function sortedProps(props) {
  return Object.fromEntries(Object.keys(props).sort().map((k) => [k, props[k]]));
}

/** The graph document of a view's graph ({nodes, edges} with global ids). */
export function graphDocument(graph) {
  const local = new Map(graph.nodes.map((n) => [n.id, n.localId]));
  const nodes = graph.nodes
    .map((n) => ({ label: n.type, id: n.localId, properties: sortedProps(n.props) }))
    .sort((a, b) => sortKey(a.id, b.id));
  const relationships = graph.edges
    .filter((e) => local.has(e.source) && local.has(e.target))
    .map((e) => ({ type: e.type, start: local.get(e.source), end: local.get(e.target), properties: sortedProps(e.props) }))
    .sort((a, b) => sortKey(a.start, b.start) || sortKey(a.type, b.type) || sortKey(a.end, b.end)
      || sortKey(relKey(a.type, a.properties), relKey(b.type, b.properties)));
  return { nodes, relationships };
}

/** The JSON text, one node or relationship per line (as `civicmesh export` writes it). */
export function toJson(doc) {
  const line = (x) => JSON.stringify(x);
  const block = (items) => items.map(line).join(',\n');
  return `{\n"nodes": [\n${block(doc.nodes)}\n],\n"relationships": [\n${block(doc.relationships)}\n]\n}\n`;
}

const XML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

function graphmlType(value) {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  return 'string';
}

function graphmlValue(value) {
  if (Array.isArray(value)) return value.join(';');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** GraphML of the graph document. */
export function toGraphml(doc) {
  const keys = new Map(); // "node|name" -> {id, for, name, type}
  const keyOf = (scope, name, value) => {
    const k = `${scope}|${name}`;
    if (!keys.has(k)) keys.set(k, { id: `d${keys.size}`, scope, name, type: graphmlType(value) });
    return keys.get(k).id;
  };
  const body = [];
  for (const n of doc.nodes) {
    const data = [[keyOf('node', 'label', n.label), n.label]];
    for (const [k, v] of Object.entries(n.properties)) data.push([keyOf('node', k, v), graphmlValue(v)]);
    body.push(`    <node id="${esc(n.id)}">`);
    for (const [k, v] of data) body.push(`      <data key="${k}">${esc(v)}</data>`);
    body.push('    </node>');
  }
  for (const r of doc.relationships) {
    const data = [[keyOf('edge', 'type', r.type), r.type]];
    for (const [k, v] of Object.entries(r.properties)) data.push([keyOf('edge', k, v), graphmlValue(v)]);
    const id = `${r.start}|${relKey(r.type, r.properties)}|${r.end}`;
    body.push(`    <edge source="${esc(r.start)}" target="${esc(r.end)}" id="${esc(id)}">`);
    for (const [k, v] of data) body.push(`      <data key="${k}">${esc(v)}</data>`);
    body.push('    </edge>');
  }
  const keyLines = [...keys.values()].reverse()
    .map((k) => `  <key id="${k.id}" for="${k.scope}" attr.name="${esc(k.name)}" attr.type="${k.type}" />`);
  return [
    "<?xml version='1.0' encoding='utf-8'?>",
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
      + 'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...keyLines,
    '  <graph edgedefault="directed">',
    ...body,
    '  </graph>',
    '</graphml>',
    '',
  ].join('\n');
}

/** Offers a Blob (or text) to the user as a download. */
export function download(content, filename, type) {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Renders SVG text to a PNG Blob (used for the tree, which is SVG already). */
export async function svgToPng(svgText, scale = 2) {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error('SVG could not be rendered'));
      img.src = url;
    });
    const max = 16000;
    const k = Math.min(scale, max / img.width, max / img.height);
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(img.width * k);
    canvas.height = Math.ceil(img.height * k);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
