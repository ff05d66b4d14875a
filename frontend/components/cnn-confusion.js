import { LitElement, html, css } from 'lit';

/**
 * A confusion matrix: rows are the true classes, columns the predicted ones, each cell the number of
 * test images, shaded by its share of the row (blue on the diagonal: right; orange off it: mistaken
 * for that class). The server sets `matrix` to JSON {classes: [names], counts: [[...], ...]}.
 */
class CnnConfusion extends LitElement {
  static properties = {
    matrix: { type: String },
  };

  static styles = css`
    :host { display: block; overflow-x: auto; font: 11px var(--lumo-font-family, sans-serif); }
    table { border-collapse: separate; border-spacing: 1px; }
    th { font-weight: 600; color: var(--lumo-secondary-text-color, #555); padding: 1px 3px; white-space: nowrap; }
    th.col { text-align: center; vertical-align: bottom; }
    th.col.long { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; max-height: 80px;
                  overflow: hidden; text-overflow: ellipsis; }
    th.row { text-align: right; max-width: 90px; overflow: hidden; text-overflow: ellipsis; }
    td { width: 26px; min-width: 26px; height: 22px; text-align: center; font-variant-numeric: tabular-nums;
         border-radius: 2px; }
    td.zero { color: #b9c0c7; }
    .axis { font-size: 10.5px; color: var(--lumo-secondary-text-color, #777); }
    .empty { font-size: 12px; color: var(--lumo-secondary-text-color, #777); }
  `;

  constructor() {
    super();
    this.matrix = '';
    this._m = null;
  }

  willUpdate(changed) {
    if (changed.has('matrix')) {
      try {
        this._m = this.matrix ? JSON.parse(this.matrix) : null;
      } catch (e) {
        this._m = null;
      }
    }
  }

  /** Test images counted (tests read it). */
  get total() {
    if (!this._m) return 0;
    return this._m.counts.reduce((a, row) => a + row.reduce((b, v) => b + v, 0), 0);
  }

  /** Share of test images on the diagonal. */
  get accuracy() {
    if (!this._m || !this.total) return 0;
    return this._m.counts.reduce((a, row, i) => a + (row[i] || 0), 0) / this.total;
  }

  render() {
    const m = this._m;
    if (!m || !m.counts || !m.counts.length) {
      return html`<div class="empty">Appears after the first evaluation.</div>`;
    }
    const classes = m.classes || m.counts.map((_, i) => String(i));
    // short names (digits) read across; long ones (Ankle boot) stand on end to keep the columns narrow
    const long = classes.some((c) => c.length > 3);
    return html`
      <div class="axis">rows: true class \u00b7 columns: predicted class</div>
      <table>
        <tr><th></th>${classes.map((c) => html`<th class=${long ? 'col long' : 'col'} title=${c}>${c}</th>`)}</tr>
        ${m.counts.map((row, r) => {
          const sum = row.reduce((a, v) => a + v, 0) || 1;
          return html`<tr><th class="row" title=${classes[r]}>${classes[r]}</th>${row.map((v, c) => {
            const share = v / sum;
            const bg = v === 0 ? '#f4f6f8' : r === c ? `rgba(8,119,189,${0.12 + 0.88 * share})`
                                                     : `rgba(245,147,34,${0.15 + 0.85 * share})`;
            const fg = share > 0.55 ? '#fff' : '#1d2733';
            return html`<td class=${v === 0 ? 'zero' : ''} style="background:${bg};color:${fg}"
                            title="${classes[r]} predicted as ${classes[c]}: ${v} of ${sum}">${v}</td>`;
          })}</tr>`;
        })}
      </table>`;
  }
}

customElements.define('cnn-confusion', CnnConfusion);
