// Search by name (Chinese substrings work) with the API's `search` field; results in an
// accessible listbox (↑ ↓ to move, Enter to open, Esc to close).

import { gql } from './api.js';
import { KINDS } from './labels.js';

const SEARCH = `query Search($text: String!) { search(text: $text, first: 15) { __typename id
  ... on Street { name } ... on Community { name } ... on Grid { name }
  ... on Building { name grid { name } } ... on Household { name building { name } }
  ... on PartyOrganization { name } ... on PartyMember { name } ... on VanguardStation { name }
  ... on Alliance { name } ... on AllianceMember { name } } }`;

export class SearchBox {
  constructor(input, list, { onChoose, status }) {
    this.input = input;
    this.list = list;
    this.onChoose = onChoose;
    this.status = status;
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.seq = 0;
    input.addEventListener('input', () => this.schedule());
    input.addEventListener('keydown', (ev) => this.key(ev));
    input.addEventListener('blur', () => setTimeout(() => this.close(), 200));
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), 250);
  }

  async run() {
    const text = this.input.value.trim();
    if (!text) return this.close();
    const seq = ++this.seq;
    try {
      const data = await gql(SEARCH, { text });
      if (seq !== this.seq) return;
      this.show(data.search);
    } catch (err) {
      this.status(`搜索失败 Search failed: ${err.message}`, true);
    }
  }

  show(results) {
    this.results = results;
    this.active = results.length ? 0 : -1;
    this.list.replaceChildren();
    if (!results.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = '无结果 No results';
      this.list.append(li);
    }
    results.forEach((r, i) => {
      const li = document.createElement('li');
      li.id = `search-result-${i}`;
      li.setAttribute('role', 'option');
      li.dataset.id = r.id;
      li.dataset.kind = r.__typename;
      const k = KINDS[r.__typename];
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.style.borderColor = k?.color || '#999';
      badge.textContent = k?.zh || r.__typename;
      const where = r.grid?.name || r.building?.name;
      li.append(badge, ` ${r.name}`, where ? Object.assign(document.createElement('small'), { textContent: ` · ${where}` }) : '');
      li.addEventListener('mousedown', (ev) => { ev.preventDefault(); this.choose(i); });
      this.list.append(li);
    });
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.mark();
  }

  mark() {
    [...this.list.querySelectorAll('[role=option]')].forEach((li, i) => li.setAttribute('aria-selected', String(i === this.active)));
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `search-result-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  choose(i) {
    const r = this.results[i];
    if (!r) return;
    this.close();
    this.onChoose(r.id, r.__typename);
  }

  key(ev) {
    const n = this.results.length;
    if (ev.key === 'ArrowDown' && n) { this.active = (this.active + 1) % n; this.mark(); ev.preventDefault(); }
    else if (ev.key === 'ArrowUp' && n) { this.active = (this.active - 1 + n) % n; this.mark(); ev.preventDefault(); }
    else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (this.list.hidden) this.run();
      else this.choose(Math.max(0, this.active));
    } else if (ev.key === 'Escape') this.close();
  }
}
