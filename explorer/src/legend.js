// The legend: kinds (colour and shape), organization levels, coverage and reach colours.

import { APPEALS } from './appeals-layer.js';
import { COMMUNITY_KINDS, COVERAGE, KINDS, ORG_LEVELS, REACH_COLOR, WORK, WORK_RELATIONS } from './labels.js';

const SHAPE_CSS = {
  ellipse: 'border-radius:50%', 'round-rectangle': 'border-radius:3px', 'round-hexagon': 'border-radius:30%',
  star: 'clip-path:polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%)',
  'round-diamond': 'transform:rotate(45deg) scale(.8)', 'round-triangle': 'clip-path:polygon(50% 0,100% 100%,0 100%)',
  'round-octagon': 'clip-path:polygon(30% 0,70% 0,100% 30%,100% 70%,70% 100%,30% 100%,0 70%,0 30%)',
  'round-tag': 'clip-path:polygon(0 0,70% 0,100% 50%,70% 100%,0 100%)',
};

function item(color, text, shape = 'ellipse', extra = '') {
  const li = document.createElement('li');
  const sw = document.createElement('span');
  sw.className = 'swatch';
  sw.setAttribute('aria-hidden', 'true');
  sw.style.cssText = `background:${color};${SHAPE_CSS[shape] || ''};${extra}`;
  li.append(sw, text);
  return li;
}

function section(title, items, className = '') {
  const box = document.createElement('div');
  box.className = className;
  const h = document.createElement('h3');
  h.textContent = title;
  const ul = document.createElement('ul');
  ul.append(...items);
  box.append(h, ul);
  return box;
}

export function renderLegend(container, view) {
  const parts = [];
  if (view === 'tree') {
    parts.push(section('组织层级 Levels', Object.values(ORG_LEVELS).map((l) => item(l.color, `${l.zh} ${l.en}`))));
    parts.push(section('其他 Other', [
      item(KINDS.VanguardStation.color, `${KINDS.VanguardStation.zh} ${KINDS.VanguardStation.en}`),
      item('#fff', '实心 = 可展开 filled: click to expand', 'ellipse', 'border:2px solid #c62828;background:#c62828'),
      item('#fff', '★★★ 示范 ★★ 优秀 ★ 合格 ☆ 不合格', 'ellipse', 'display:none'),
      item('#fff', '星级 = 最近一轮的最终考核 star: final check of the latest round (重点抽查 > 交叉互查 > 复查 > 自查)',
        'ellipse', 'display:none'),
      item('#fff', '考核单位 assessed by: 自查 本支部 the branch · 复查 上级党组织 its parent · '
        + '交叉互查 外街道社区党委 + 指导员 another street\'s committee and instructor · 重点抽查 指导员 instructor',
      'ellipse', 'display:none'),
    ]));
  } else {
    const village = COMMUNITY_KINDS.VILLAGE;
    parts.push(section('类型 Kinds', Object.entries(KINDS).flatMap(([type, k]) => [
      item(k.color, `${k.zh} ${k.en}`, k.shape),
      ...(type === 'Community' ? [item(village.color, `${village.zh} ${village.en}`, k.shape)] : []),
    ]), 'kinds'));
    parts.push(section('联户覆盖 Linkage coverage', [
      ...Object.values(COVERAGE).map((c) => item(c.color, `${c.zh} ${c.en}`, 'ellipse', 'border:1px solid #9e9e9e')),
      item('conic-gradient(#2e7d32 0 25%, #f2b705 0 45%, #e0e0e0 0)', '网格/楼栋饼图 grid & building share', 'ellipse'),
    ]));
    parts.push(section('联盟服务 Alliance reach', [
      item(REACH_COLOR, '选中成员单位的覆盖户 reached by the selected unit', 'ellipse', 'opacity:.6'),
    ]));
    parts.push(section('月度工作 Monthly work', [
      ...Object.values(WORK).map((w) => item(w.color, `${w.zh} ${w.en}`, w.shape)),
      ...Object.entries(WORK_RELATIONS).map(
        ([type, r]) => item('#fff', `${r.zh} ${type}: ${r.en}`, 'ellipse', 'display:none'),
      ),
    ], 'work'));
    parts.push(section('诉求 Appeals (勾选 tick 诉求)', Object.values(APPEALS).map(
      (a) => item('#fff', `楼栋 ${a.zh} building with ${a.en}`, 'round-rectangle', `border:3px solid ${a.color}`),
    ), 'appeals'));
  }
  const details = document.createElement('details');
  details.open = container.dataset.closed !== 'true';
  details.addEventListener('toggle', () => { container.dataset.closed = String(!details.open); });
  const summary = document.createElement('summary');
  summary.textContent = '图例 Legend';
  const body = document.createElement('div');
  body.className = 'legend-body';
  body.append(...parts);
  details.append(summary, body);
  container.replaceChildren(details);
}
