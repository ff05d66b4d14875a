import { LitElement, html, svg, css } from 'lit';

/**
 * Grouped bar chart of the gradient size per Linear layer, one bar per series (activation),
 * on a log10 axis: vanishing gradients span decades, which a linear axis would flatten to nothing.
 *
 * The server sets `chart` to JSON: {layers: ["layer 1", ...], series: [{name, color, values: [..]}]};
 * a value that is missing, zero or not finite draws no bar (shown as "–" on hover).
 */
class GradientChart extends LitElement {
  static properties = {
    chart: { type: String },
    height: { type: Number },
    yLabel: { type: String },
  };

  static styles = css`
    :host { display: block; font: 11px sans-serif; color: var(--lumo-body-text-color, #222); }
    svg { display: block; width: 100%; overflow: visible; }
    .axis { stroke: rgba(0, 0, 0, 0.3); }
    .grid { stroke: rgba(0, 0, 0, 0.08); }
    .tick { fill: #666; font-size: 10px; }
    .label { fill: #444; font-size: 11px; }
    .empty { fill: #888; font-size: 12px; }
    .legend { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 4px; justify-content: center; }
    .legend span { display: inline-flex; align-items: center; gap: 4px; }
    .swatch { width: 10px; height: 10px; border-radius: 2px; display: inline-block; }
  `;

  constructor() {
    super();
    this.chart = '';
    this.height = 200;
    this.yLabel = 'mean |dL/dW| (log scale)';
    this._parsed = { layers: [], series: [] };
    this._width = 480;
  }

  firstUpdated() {
    this._resize = new ResizeObserver(() => {
      const w = Math.max(200, Math.floor(this.getBoundingClientRect().width || 480));
      if (w !== this._width) { this._width = w; this.requestUpdate(); }
    });
    this._resize.observe(this);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this._resize) this._resize.disconnect();
  }

  willUpdate(changed) {
    if (changed.has('chart')) {
      try {
        const d = this.chart ? JSON.parse(this.chart) : {};
        this._parsed = { layers: d.layers || [], series: d.series || [] };
      } catch (e) {
        this._parsed = { layers: [], series: [] };
      }
    }
  }

  /** Number of bars drawn (tests read it). */
  get barCount() {
    return this.renderRoot ? this.renderRoot.querySelectorAll('rect.bar').length : 0;
  }

  render() {
    const { layers, series } = this._parsed;
    const W = this._width;
    const H = this.height;
    const left = 52, right = 8, top = 8, bottom = 24;
    const plotW = Math.max(10, W - left - right);
    const plotH = Math.max(10, H - top - bottom);
    const positive = [];
    for (const s of series) for (const v of s.values || []) if (isFinite(v) && v > 0) positive.push(v);
    if (!layers.length || !series.length || !positive.length) {
      return html`<svg viewBox="0 0 ${W} ${H}" height=${H}>
        <text class="empty" x=${W / 2} y=${H / 2} text-anchor="middle">gradient sizes appear after the first epoch</text>
      </svg>`;
    }
    const minLog = Math.log10(Math.min(...positive));
    // the smallest bar keeps some height: it is the one the chart is about
    let lo = Math.floor(minLog - 0.3);
    let hi = Math.ceil(Math.log10(Math.max(...positive)));
    if (hi <= lo) hi = lo + 1;
    const y = (v) => top + plotH * (1 - (Math.log10(v) - lo) / (hi - lo));
    const decades = [];
    for (let d = lo; d <= hi; d++) decades.push(d);
    const step = Math.ceil(decades.length / 6);
    const groupW = plotW / layers.length;
    const pad = Math.min(16, groupW * 0.15);
    const barW = Math.max(2, Math.min(36, (groupW - 2 * pad) / series.length));
    const inset = (groupW - barW * series.length) / 2;
    const bars = [];
    layers.forEach((layer, li) => {
      series.forEach((s, si) => {
        const v = (s.values || [])[li];
        if (!(isFinite(v) && v > 0)) return;
        const x = left + li * groupW + inset + si * barW;
        const yt = y(v);
        bars.push(svg`<rect class="bar" data-series=${s.name} data-layer=${li} data-value=${v}
            x=${x + 0.5} y=${yt} width=${Math.max(1, barW - 1)} height=${Math.max(0.5, top + plotH - yt)}
            fill=${s.color}><title>${s.name}, ${layer}: ${v.toExponential(2)}</title></rect>`);
      });
    });
    return html`<svg viewBox="0 0 ${W} ${H}" height=${H}>
        ${decades.map((d, i) => (i % step === 0 || d === hi ? svg`
          <line class="grid" x1=${left} x2=${left + plotW} y1=${y(10 ** d)} y2=${y(10 ** d)}></line>
          <text class="tick" x=${left - 4} y=${y(10 ** d) + 3} text-anchor="end">1e${d}</text>` : ''))}
        ${bars}
        <line class="axis" x1=${left} x2=${left + plotW} y1=${top + plotH} y2=${top + plotH}></line>
        <line class="axis" x1=${left} x2=${left} y1=${top} y2=${top + plotH}></line>
        ${layers.map((l, li) => svg`<text class="label" x=${left + (li + 0.5) * groupW} y=${H - 8} text-anchor="middle">${l}</text>`)}
        <text class="tick" transform="translate(10 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${this.yLabel}</text>
      </svg>
      <div class="legend">${series.map((s) => html`<span><i class="swatch" style="background:${s.color}"></i>${s.name}</span>`)}</div>`;
  }
}

customElements.define('gradient-chart', GradientChart);
