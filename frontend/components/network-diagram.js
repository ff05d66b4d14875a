import { LitElement, html, svg, css, nothing } from 'lit';
import { DEFAULT_CLASS_COLORS, hexToRgb, diverging, NEUTRAL, decodeBase64, NEGATIVE, POSITIVE } from './palette.js';

/**
 * The network as TensorFlow Playground draws it: columns of neurons (inputs, hidden layers,
 * outputs), each neuron a small heat map of its value over the plane, and edges coloured by the
 * sign of their weight and sized by its magnitude, with the value on hover.
 *
 * `layout` (JSON string): {editable, activations: [..], minLayers, maxLayers, minNeurons, maxNeurons,
 *   outputMode: "diverging"|"classes", classColors: [..],
 *   columns: [{kind: "input"|"hidden"|"output", title, activation?, neurons: [{label, active?, grid}]}]}
 *   where `grid` indexes the neuron's map in `grids` (-1: none). Edges run from the active neurons
 *   of one column to every neuron of the next. `locked` (optional): the editable controls that are
 *   disabled, of "features", "layers", "neurons", "activation" (a class's challenge locks them).
 * `weights` (JSON string): per Linear layer, [out][in].
 * `grids`: base64 bytes, gridN*gridN per map; byte b is t = b/127.5 - 1 (diverging) except in the
 *   output column in "classes" mode, where it is the class probability b/255.
 *
 * Events when editable (detail in brackets): feature-toggle {index}, layer-add, layer-remove,
 * neuron-add {layer}, neuron-remove {layer}, activation-change {layer, value}; layer counts hidden
 * layers from 0.
 */
class NetworkDiagram extends LitElement {
  static properties = {
    layout: { type: String },
    weights: { type: String },
    grids: { type: String },
    gridN: { type: Number },
    _width: { state: true },
    _hover: { state: true },
  };

  static styles = css`
    :host { display: block; position: relative; font-family: var(--lumo-font-family, sans-serif); }
    .area { position: relative; }
    svg.edges { position: absolute; left: 0; top: 0; overflow: visible; }
    .edge { fill: none; pointer-events: none; }
    .hit { fill: none; stroke: transparent; stroke-width: 7px; cursor: help; pointer-events: stroke; }
    .hit:hover + .edge, .edge.hl { stroke-opacity: 1 !important; filter: drop-shadow(0 0 1px #333); }
    .neuron { position: absolute; border: 1px solid #b9bdc2; border-radius: 3px; background: rgb(232,234,235);
              box-sizing: content-box; }
    .neuron canvas { display: block; width: 100%; height: 100%; border-radius: 2px; }
    .neuron.inactive { opacity: 0.35; border-style: dashed; }
    .neuron.input { cursor: pointer; }
    .neuron.input:hover { border-color: #333; }
    .neuron.input[disabled] { cursor: not-allowed; }
    .neuron.input[disabled]:hover { border-color: #b9bdc2; }
    select[disabled] { opacity: 0.55; cursor: not-allowed; }
    .neuron.input:focus-visible { outline: 2px solid var(--lumo-primary-color, #1676f3); }
    .label { position: absolute; font-size: 12px; color: #444; text-align: right; white-space: nowrap; }
    .label.inactive { color: #aaa; }
    .colhead { position: absolute; text-align: center; font-size: 11px; color: #555; line-height: 1.3; }
    .colhead .title { font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; font-size: 10.5px;
                      white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .topbar { position: absolute; left: 0; right: 0; top: 0; display: flex; justify-content: center; align-items: center;
              gap: 8px; font-size: 12px; color: #333; }
    .topbar .count { font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; font-size: 11px; }
    button { font: inherit; border: 1px solid #c5c9ce; background: #fff; border-radius: 50%; width: 22px; height: 22px;
             padding: 0; cursor: pointer; line-height: 1; color: #333; font-size: 14px; }
    button:hover:not([disabled]) { background: #eef3fb; border-color: #1676f3; }
    button[disabled] { opacity: 0.35; cursor: default; }
    .pm { display: flex; gap: 3px; justify-content: center; margin: 2px 0; }
    .pm button { width: 18px; height: 18px; font-size: 12px; }
    select { font: inherit; font-size: 11px; max-width: 100%; border: 1px solid #c5c9ce; border-radius: 3px; background: #fff;
             padding: 1px 2px; }
    .preview { position: absolute; pointer-events: none; border: 1px solid #888; background: #fff; padding: 3px;
               box-shadow: 0 2px 8px rgba(0,0,0,0.25); z-index: 2; font-size: 11px; color: #333; }
    .preview canvas { display: block; width: 120px; height: 120px; }
  `;

  constructor() {
    super();
    this.layout = '{"columns":[]}';
    this.weights = '[]';
    this.grids = '';
    this.gridN = 0;
    this._width = 600;
    this._hover = null;
    this._bytes = new Uint8Array(0);
  }

  connectedCallback() {
    super.connectedCallback();
    this._ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0].contentRect.width);
      if (w > 0 && w !== this._width) this._width = w;
    });
    this._ro.observe(this);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this._ro) this._ro.disconnect();
  }

  willUpdate(changed) {
    if (changed.has('layout')) {
      try { this._layout = JSON.parse(this.layout || '{}'); } catch (e) { this._layout = { columns: [] }; }
      if (!this._layout.columns) this._layout.columns = [];
    }
    if (changed.has('weights')) {
      try { this._weights = JSON.parse(this.weights || '[]'); } catch (e) { this._weights = []; }
    }
    if (changed.has('grids')) this._bytes = decodeBase64(this.grids);
  }

  // geometry: all positions in CSS pixels
  _geometry() {
    const cols = this._layout.columns;
    const box = 30;
    const pitch = 40;
    const top = 92;
    const left = 62;
    const right = 16;
    const maxCount = Math.max(1, ...cols.map((c) => c.neurons.length));
    const height = top + maxCount * pitch + 4;
    const span = Math.max(0, this._width - left - right - box);
    const xs = cols.map((_, i) => left + (cols.length > 1 ? (i * span) / (cols.length - 1) : span / 2));
    const ys = cols.map((c) => c.neurons.map((_, j) => top + j * pitch));
    return { box, pitch, top, left, height, xs, ys };
  }

  render() {
    const L = this._layout;
    const cols = L.columns;
    if (!cols.length) return html``;
    const g = this._geometry();
    const hidden = cols.filter((c) => c.kind === 'hidden').length;
    const editable = !!L.editable;
    const lock = new Set(L.locked || []);
    return html`<div class="area" style="height:${g.height}px">
      <svg class="edges" width=${this._width} height=${g.height}>${this._edges(g)}</svg>
      ${editable ? html`<div class="topbar">
        <button aria-label="Remove hidden layer" title="Remove a hidden layer" ?disabled=${lock.has('layers') || hidden <= (L.minLayers ?? 0)}
                @click=${() => this._fire('layer-remove', {})}>−</button>
        <span class="count" data-testid="layer-count">${hidden} hidden layer${hidden === 1 ? '' : 's'}</span>
        <button aria-label="Add hidden layer" title="Add a hidden layer" ?disabled=${lock.has('layers') || hidden >= (L.maxLayers ?? 6)}
                @click=${() => this._fire('layer-add', {})}>+</button>
      </div>` : ''}
      ${cols.map((c, i) => this._column(c, i, g, editable))}
      ${this._previewTemplate(g)}
    </div>`;
  }

  _column(c, i, g, editable) {
    const L = this._layout;
    const lock = new Set(L.locked || []);
    const layer = c.kind === 'hidden' ? L.columns.slice(0, i).filter((x) => x.kind === 'hidden').length : -1;
    // a head never wider than the distance between two columns, so that narrow diagrams do not overlap
    const pitch = g.xs.length > 1 ? g.xs[1] - g.xs[0] : 92;
    const headW = Math.max(40, Math.min(92, pitch - 4));
    const cx = g.xs[i] + g.box / 2;
    const head = html`<div class="colhead" style="left:${cx - headW / 2}px;top:30px;width:${headW}px">
      <div class="title">${c.title}</div>
      ${c.kind === 'hidden' && editable ? html`
        <div class="pm">
          <button aria-label="Remove neuron from layer ${layer + 1}" title="Remove a neuron"
                  ?disabled=${lock.has('neurons') || c.neurons.length <= (L.minNeurons ?? 1)}
                  @click=${() => this._fire('neuron-remove', { layer })}>−</button>
          <button aria-label="Add neuron to layer ${layer + 1}" title="Add a neuron"
                  ?disabled=${lock.has('neurons') || c.neurons.length >= (L.maxNeurons ?? 8)}
                  @click=${() => this._fire('neuron-add', { layer })}>+</button>
        </div>
        <select aria-label="Activation of layer ${layer + 1}" ?disabled=${lock.has('activation')} @change=${(e) => this._fire('activation-change', { layer, value: e.target.value })}>
          ${(L.activations || []).map((a) => html`<option value=${a} ?selected=${a === c.activation}>${a}</option>`)}
        </select>`
      : html`<div style="margin-top:3px">${c.subtitle || ''}</div>`}
    </div>`;
    const neurons = c.neurons.map((nr, j) => {
      const x = g.xs[i];
      const y = g.ys[i][j];
      const inactive = c.kind === 'input' && nr.active === false;
      const cls = `neuron ${c.kind} ${inactive ? 'inactive' : ''}`;
      const label = c.kind === 'input'
        ? html`<div class="label ${inactive ? 'inactive' : ''}" style="left:0;width:${x - 6}px;top:${y + g.box / 2 - 8}px">${nr.label}</div>`
        : '';
      const title = c.kind === 'input'
        ? `${nr.label}: ${inactive ? 'not used, click to use it' : 'used, click to leave it out'}`
        : nr.label;
      const input = c.kind === 'input' && editable && !lock.has('features');
      const lockedInput = c.kind === 'input' && editable && lock.has('features');
      return html`${label}<div class=${cls} style="left:${x}px;top:${y}px;width:${g.box}px;height:${g.box}px"
          title=${lockedInput ? `${nr.label}: locked in this challenge` : title} data-neuron=${`${i}:${j}`}
          ?disabled=${lockedInput} aria-disabled=${lockedInput ? 'true' : nothing}
          role=${input ? 'button' : 'img'} aria-pressed=${input ? String(!inactive) : nothing}
          tabindex=${input ? '0' : '-1'} aria-label=${title}
          @click=${input ? () => this._fire('feature-toggle', { index: j }) : null}
          @keydown=${input ? (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this._fire('feature-toggle', { index: j }); } } : null}
          @mouseenter=${() => { this._hover = { i, j }; }} @mouseleave=${() => { this._hover = null; }}>
        <canvas data-grid=${nr.grid ?? -1} data-col=${i}></canvas></div>`;
    });
    return html`${head}${neurons}`;
  }

  _edges(g) {
    const cols = this._layout.columns;
    const out = [];
    for (let i = 0; i + 1 < cols.length; i++) {
      const w = this._weights[i];
      const src = [];
      cols[i].neurons.forEach((nr, j) => { if (nr.active !== false) src.push(j); });
      const x0 = g.xs[i] + g.box;
      const x1 = g.xs[i + 1];
      const mid = (x0 + x1) / 2;
      cols[i + 1].neurons.forEach((target, t) => {
        src.forEach((j, k) => {
          const v = w && w[t] ? w[t][k] : undefined;
          const y0 = g.ys[i][j] + g.box / 2;
          const y1 = g.ys[i + 1][t] + g.box / 2;
          const d = `M${x0},${y0} C${mid},${y0} ${mid},${y1} ${x1},${y1}`;
          const known = typeof v === 'number' && isFinite(v);
          const a = known ? Math.min(1, Math.abs(v)) : 0;
          const color = !known ? '#c8c8c8' : v >= 0 ? `rgb(${POSITIVE.join(',')})` : `rgb(${NEGATIVE.join(',')})`;
          const width = known ? 0.6 + 5 * a : 0.8;
          const label = `${cols[i].neurons[j].label} → ${target.label}: weight ${known ? v.toFixed(3) : 'n/a'}`;
          out.push(svg`<path class="hit" d=${d}><title>${label}</title></path><path class="edge" data-weight=${known ? v : ''}
            d=${d} stroke=${color} stroke-width=${width} stroke-opacity=${0.35 + 0.55 * a}></path>`);
        });
      });
    }
    return out;
  }

  _previewTemplate(g) {
    if (!this._hover) return '';
    const { i, j } = this._hover;
    const c = this._layout.columns[i];
    if (!c || !c.neurons[j] || (c.neurons[j].grid ?? -1) < 0) return '';
    const onLeft = g.xs[i] > this._width / 2;
    const x = onLeft ? g.xs[i] - 136 : g.xs[i] + g.box + 8;
    const y = Math.max(0, g.ys[i][j] - 50);
    return html`<div class="preview" style="left:${x}px;top:${y}px"><canvas class="big" data-grid=${c.neurons[j].grid} data-col=${i}></canvas>
      <div>${c.neurons[j].label}</div></div>`;
  }

  updated() {
    const n = this.gridN | 0;
    if (n < 2) return;
    this.renderRoot.querySelectorAll('canvas[data-grid]').forEach((cv) => this._paint(cv, n));
  }

  _paint(canvas, n) {
    const gi = Number(canvas.dataset.grid);
    const col = this._layout.columns[Number(canvas.dataset.col)];
    if (gi < 0 || !col || this._bytes.length < (gi + 1) * n * n) return;
    const big = canvas.classList.contains('big');
    const px = big ? 120 : 30;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== px * dpr || canvas.height !== px * dpr) { canvas.width = px * dpr; canvas.height = px * dpr; }
    if (!this._off || this._off.width !== n) {
      this._off = document.createElement('canvas');
      this._off.width = n;
      this._off.height = n;
    }
    const octx = this._off.getContext('2d');
    const img = octx.createImageData(n, n);
    const classes = col.kind === 'output' && this._layout.outputMode === 'classes';
    const colors = (this._layout.classColors || DEFAULT_CLASS_COLORS).map(hexToRgb);
    const neuronIndex = col.neurons.findIndex((nr) => nr.grid === gi);
    const cc = colors[Math.max(0, neuronIndex) % colors.length];
    const rgb = [0, 0, 0];
    const base = gi * n * n;
    for (let k = 0; k < n * n; k++) {
      const b = this._bytes[base + k];
      if (classes) {
        const a = b / 255;
        rgb[0] = NEUTRAL[0] + (cc[0] - NEUTRAL[0]) * a;
        rgb[1] = NEUTRAL[1] + (cc[1] - NEUTRAL[1]) * a;
        rgb[2] = NEUTRAL[2] + (cc[2] - NEUTRAL[2]) * a;
      } else {
        diverging(b / 127.5 - 1, rgb, 0);
      }
      img.data[k * 4] = rgb[0];
      img.data[k * 4 + 1] = rgb[1];
      img.data[k * 4 + 2] = rgb[2];
      img.data[k * 4 + 3] = 255;
    }
    octx.putImageData(img, 0, 0);
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this._off, 0, 0, canvas.width, canvas.height);
  }

  _fire(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

customElements.define('network-diagram', NetworkDiagram);
