import { LitElement, html } from 'lit';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

function lastOf(values) {
  for (let i = (values ? values.length : 0) - 1; i >= 0; i--) {
    if (values[i] !== null && values[i] !== undefined) return values[i];
  }
  return null;
}

/**
 * A legend value of a fixed short width: four decimals below 10, one from 10 up, no trailing zeros
 * (89.3 rather than 89.3125, 6 rather than 6.0000, 0.7171, 0.007).
 */
export function legendValue(y) {
  if (y === null || y === undefined || !isFinite(y)) return '–';
  return String(Number(y.toFixed(Math.abs(y) >= 10 ? 1 : 4)));
}

/**
 * Live line chart of N series over epochs (uPlot). The server calls
 * `configure(seriesJson)` once ([{name, color, dash?}]), then `append(x, ysJson)` per frame,
 * `setData(json)` to restore a whole history ({x: [...], ys: [[...], ...]}), and `clear()`.
 * Rendered in light DOM so that uPlot's global stylesheet applies.
 * Charts with the same `group` show the same epochs on their x axes (the CNN lab's loss, whose
 * batch points run ahead of the epochs, and accuracy); every chart shows at least one epoch.
 */
class LossChart extends LitElement {
  static properties = {
    height: { type: Number },
    yLabel: { type: String },
    logScale: { type: Boolean },
    group: { type: String },
  };

  constructor() {
    super();
    this.height = 160;
    this.yLabel = 'loss';
    this.logScale = false;
    this.group = '';
    this._series = [];
    this._data = [[]];
    this._plot = null;
    this._pending = false;
  }

  createRenderRoot() {
    return this;
  }

  render() {
    return html`<div class="loss-chart-plot"></div>`;
  }

  firstUpdated() {
    this._resize = new ResizeObserver(() => this._fit());
    this._resize.observe(this);
    this._build();
  }

  updated(changed) {
    if (this._plot && (changed.has('height') || changed.has('logScale') || changed.has('yLabel'))) this._build();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this._resize) this._resize.disconnect();
  }

  configure(seriesJson) {
    this._series = JSON.parse(seriesJson);
    this._data = [[], ...this._series.map(() => [])];
    this._build();
  }

  setData(json) {
    const d = JSON.parse(json);
    this._data = [d.x.slice(), ...this._series.map((_, i) => (d.ys[i] || []).slice())];
    this._schedule();
  }

  append(x, ysJson) {
    const ys = JSON.parse(ysJson);
    this._data[0].push(x);
    for (let i = 0; i < this._series.length; i++) {
      const v = ys[i];
      this._data[i + 1].push(v === null || v === undefined || !isFinite(v) ? null : v);
    }
    this._schedule();
  }

  /**
   * A point that may lie before the latest x: inserted in order, or merged into the point at the same x
   * (its non-null values replace that point's).
   */
  insert(x, ysJson) {
    const ys = JSON.parse(ysJson);
    const xs = this._data[0];
    let at = xs.length;
    if (at > 0 && xs[at - 1] > x) {
      let lo = 0;
      let hi = xs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (xs[mid] <= x) lo = mid + 1; else hi = mid;
      }
      at = lo;
    }
    const valid = (v) => v !== null && v !== undefined && isFinite(v);
    if (at > 0 && xs[at - 1] === x) {
      for (let i = 0; i < this._series.length; i++) {
        if (valid(ys[i])) this._data[i + 1][at - 1] = ys[i];
      }
    } else {
      xs.splice(at, 0, x);
      for (let i = 0; i < this._series.length; i++) {
        this._data[i + 1].splice(at, 0, valid(ys[i]) ? ys[i] : null);
      }
    }
    this._schedule();
  }

  clear() {
    this._data = [[], ...this._series.map(() => [])];
    this._schedule();
  }

  /** Number of points held per series (tests read it). */
  get pointCount() {
    return this._data[0].length;
  }

  _schedule() {
    if (this._pending) return;
    this._pending = true;
    requestAnimationFrame(() => {
      this._pending = false;
      // new data can widen the x range of every chart of the group
      for (const chart of this._group()) chart._refresh();
    });
  }

  _refresh() {
    if (!this._plot) return;
    this._plot.setData(this._data);
    // refresh the legend's latest values unless the user is reading values under the cursor
    if (this._plot.cursor.idx === null || this._plot.cursor.idx === undefined) this._plot.setLegend({ idx: null });
  }

  /** This chart and the others of its group on the page. */
  _group() {
    if (!this.group) return [this];
    return [...document.querySelectorAll('loss-chart')].filter((c) => c === this || c.group === this.group);
  }

  /** The x range: the epochs of every chart of the group, at least one wide. */
  _xRange() {
    let lo = Infinity;
    let hi = -Infinity;
    for (const chart of this._group()) {
      const xs = chart._data[0];
      if (xs && xs.length) {
        lo = Math.min(lo, xs[0]);
        hi = Math.max(hi, xs[xs.length - 1]);
      }
    }
    if (lo === Infinity) return [0, 1];
    return [lo, Math.max(hi, lo + 1)];
  }

  _width() {
    return Math.max(120, Math.floor(this.getBoundingClientRect().width || 300));
  }

  _fit() {
    if (this._plot) this._plot.setSize({ width: this._width(), height: this.height });
  }

  _build() {
    const target = this.querySelector('.loss-chart-plot');
    if (!target) return;
    if (this._plot) { this._plot.destroy(); this._plot = null; }
    const axisStyle = { stroke: '#666', grid: { stroke: 'rgba(0,0,0,0.07)' }, ticks: { stroke: 'rgba(0,0,0,0.15)' },
                        font: '11px sans-serif' };
    const opts = {
      width: this._width(),
      height: this.height,
      // live: the values under the cursor; with no cursor, the latest ones
      legend: { show: this._series.length > 0, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, range: () => this._xRange() }, y: this.logScale ? { distr: 3 } : { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } },
      axes: [
        { ...axisStyle, label: 'epoch', labelSize: 16, labelFont: '11px sans-serif', size: 30 },
        { ...axisStyle, label: this.yLabel, labelSize: 16, labelFont: '11px sans-serif', size: 44 },
      ],
      series: [
        { label: 'epoch', value: (u, v, si, idx) => {
            const x = idx === null || idx === undefined ? lastOf(u.data[0]) : v;
            // batch points sit between epochs: 1.25 is a quarter into epoch 2
            return x === null || x === undefined ? '–' : String(Number.isInteger(x) ? x : Number(x.toFixed(2)));
          } },
        ...this._series.map((s) => ({
          label: s.name,
          stroke: s.color,
          width: 2,
          dash: s.dash && s.dash.length ? s.dash : undefined,
          // a lone point (epoch 0) would be invisible as a line
          points: { show: (u) => u.data[0].length <= 2, size: 6 },
          spanGaps: true,
          value: (u, v, si, idx) => {
            return legendValue(idx === null || idx === undefined ? lastOf(u.data[si]) : v);
          },
        })),
      ],
    };
    this._plot = new uPlot(opts, this._data, target);
  }
}

customElements.define('loss-chart', LossChart);
