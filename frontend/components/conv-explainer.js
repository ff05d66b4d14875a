import { LitElement, html, css } from 'lit';
import { decodeFloats, diverging, divergingCss } from './palette.js';

/**
 * The convolution explainer's picture: the padded input (grey, 0 = black, 1 = white; the added zeros
 * hatched), the output feature map (orange below 0, blue above, scaled to the largest |value|), the
 * current window's taps on the input, the output cell they produce, and lines joining the two.
 * Values show on hover (and inside the cells when they are large enough); clicking an output cell
 * fires `cell-click` with {row, col}.
 *
 * The server sends all numbers (`input`, `output`: base64 little-endian float32, row-major) and the
 * window (`taps`: padded-input row, column pairs); this component only draws.
 */
const TAP = '#e8384f';
const GAP = 84;
const MAX_PX = 380;

function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) || r === 0 ? '0' : String(r);
}

class ConvExplainer extends LitElement {
  static properties = {
    inRows: { type: Number },
    inCols: { type: Number },
    padding: { type: Number },
    input: { type: String },
    outRows: { type: Number },
    outCols: { type: Number },
    output: { type: String },
    outScale: { type: Number },
    row: { type: Number },
    col: { type: Number },
    taps: { type: Array },
    inputCaption: { type: String },
    outputCaption: { type: String },
    _tip: { state: true },
    _width: { state: true },
  };

  static styles = css`
    :host { display: block; position: relative; }
    .captions { display: grid; font-size: 12.5px; color: var(--ll-ink, #1d2733); font-weight: 600;
                margin-bottom: 4px; align-items: end; }
    .captions span:nth-child(2) { text-align: center; }
    canvas { display: block; cursor: crosshair; }
    .legends { display: grid; margin-top: 6px; font-size: 11px; color: var(--ll-muted, #5f6b78); }
    .legend { display: flex; align-items: center; gap: 2px 6px; flex-wrap: wrap; }
    .bar { height: 9px; width: 110px; border-radius: 2px; box-shadow: 0 0 0 1px rgba(0,0,0,0.12); }
    .tip { position: absolute; pointer-events: none; background: rgba(19, 41, 61, 0.92); color: #fff;
           font-size: 12px; padding: 3px 7px; border-radius: 4px; white-space: nowrap; z-index: 2;
           font-variant-numeric: tabular-nums; }
  `;

  constructor() {
    super();
    this.inRows = 0;
    this.inCols = 0;
    this.padding = 0;
    this.input = '';
    this.outRows = 0;
    this.outCols = 0;
    this.output = '';
    this.outScale = 1;
    this.row = 0;
    this.col = 0;
    this.taps = [];
    this.inputCaption = '';
    this.outputCaption = '';
    this._tip = null;
    this._width = 0;
    this._in = new Float32Array(0);
    this._out = new Float32Array(0);
  }

  connectedCallback() {
    super.connectedCallback();
    this._resize = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0].contentRect.width);
      if (w > 0 && w !== this._width) this._width = w;
    });
    this._resize.observe(this);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this._resize.disconnect();
  }

  /**
   * Pixels per cell: the same for input and output, so that a stride visibly shrinks the map; smaller
   * where both maps would not fit side by side (a phone).
   */
  get cell() {
    const n = Math.max(this.inRows, this.inCols, 1);
    const fit = this._width > 0 ? Math.floor((this._width - GAP) / Math.max(1, this.inCols + this.outCols)) : 40;
    return Math.max(3, Math.min(40, Math.floor(MAX_PX / n), fit));
  }

  _geometry() {
    const c = this.cell;
    const inW = this.inCols * c;
    const inH = this.inRows * c;
    const outW = this.outCols * c;
    const outH = this.outRows * c;
    const outX = inW + GAP;
    const outY = Math.max(0, Math.round((inH - outH) / 2));
    return { c, inW, inH, outW, outH, outX, outY, width: outX + Math.max(outW, 60), height: Math.max(inH, outH), outSlot: this.outRows > 0 ? Math.max(outW, 60) : 240 };
  }

  render() {
    const g = this._geometry();
    const cols = `${g.inW}px ${GAP}px ${g.outSlot}px`;
    const scale = fmt(this.outScale || 0);
    return html`
      <div class="captions" style="grid-template-columns:${cols}">
        <span data-testid="input-caption">${this.inputCaption}</span><span></span>
        <span data-testid="output-caption">${this.outputCaption}</span>
      </div>
      <canvas style="width:${g.width}px;height:${g.height}px"
              @mousemove=${this._hover} @mouseleave=${() => { this._tip = null; }} @click=${this._click}></canvas>
      <div class="legends" style="grid-template-columns:${g.inW + GAP}px auto">
        <span class="legend">0 <span class="bar" style="background:linear-gradient(90deg,#000,#fff)"></span> 1
          <span style="margin-left:8px;display:inline-flex;align-items:center;gap:4px">
            <span class="bar" style="width:14px;background:repeating-linear-gradient(45deg,#dde4ec 0 3px,#b8c4d2 3px 4px)"></span> padding (0)</span></span>
        ${this.outRows > 0 ? html`<span class="legend">-${scale}
          <span class="bar" style="background:linear-gradient(90deg,${divergingCss(-1)},${divergingCss(0)},${divergingCss(1)})"></span>
          ${scale}</span>` : html`<span></span>`}
      </div>
      ${this._tip ? html`<div class="tip" data-testid="tip" style="left:${this._tip.x}px;top:${this._tip.y}px">${this._tip.text}</div>` : ''}
    `;
  }

  updated(changed) {
    if (changed.has('input')) this._in = decodeFloats(this.input);
    if (changed.has('output')) this._out = decodeFloats(this.output);
    if (changed.size === 1 && changed.has('_tip')) return;
    this._draw();
  }

  _draw() {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    const g = this._geometry();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(g.width * dpr);
    const h = Math.round(g.height * dpr);
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, g.width, g.height);
    this._drawInput(ctx, g);
    if (this.outRows > 0 && this._out.length >= this.outRows * this.outCols) {
      this._drawOutput(ctx, g);
      this._drawWindow(ctx, g);
    }
  }

  _isPadding(r, c) {
    const p = this.padding;
    return r < p || c < p || r >= this.inRows - p || c >= this.inCols - p;
  }

  _drawInput(ctx, g) {
    const { c } = g;
    if (this._in.length < this.inRows * this.inCols) return;
    const text = c >= 26;
    ctx.font = `${c >= 34 ? 11 : 9.5}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let r = 0; r < this.inRows; r++) {
      for (let k = 0; k < this.inCols; k++) {
        const x = k * c;
        const y = r * c;
        if (this._isPadding(r, k)) {
          ctx.fillStyle = '#dde4ec';
          ctx.fillRect(x, y, c, c);
          ctx.strokeStyle = '#b8c4d2';
          ctx.lineWidth = 1;
          ctx.save();
          ctx.beginPath();
          ctx.rect(x, y, c, c);
          ctx.clip();
          ctx.beginPath();
          for (let s = -c; s < c; s += 5) { ctx.moveTo(x + s, y + c); ctx.lineTo(x + s + c, y); }
          ctx.stroke();
          ctx.restore();
          if (text) { ctx.fillStyle = '#7b8794'; ctx.fillText('0', x + c / 2, y + c / 2); }
          continue;
        }
        const v = this._in[r * this.inCols + k];
        const grey = Math.round(Math.max(0, Math.min(1, v)) * 255);
        ctx.fillStyle = `rgb(${grey},${grey},${grey})`;
        ctx.fillRect(x, y, c, c);
        if (text) {
          ctx.fillStyle = grey > 140 ? '#000' : '#fff';
          ctx.fillText(fmt(Math.round(v * 100) / 100), x + c / 2, y + c / 2);
        }
      }
    }
    this._gridLines(ctx, 0, 0, this.inRows, this.inCols, c);
    // the image itself, inside the padding
    const p = this.padding;
    if (p > 0) {
      ctx.strokeStyle = '#0877bd';
      ctx.lineWidth = 1.5;
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(p * c + 0.75, p * c + 0.75, (this.inCols - 2 * p) * c - 1.5, (this.inRows - 2 * p) * c - 1.5);
      ctx.setLineDash([]);
    }
  }

  _drawOutput(ctx, g) {
    const { c, outX, outY } = g;
    const scale = this.outScale > 0 ? this.outScale : 1;
    const rgb = [0, 0, 0];
    const text = c >= 26;
    ctx.font = `${c >= 34 ? 11 : 9.5}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let r = 0; r < this.outRows; r++) {
      for (let k = 0; k < this.outCols; k++) {
        const v = this._out[r * this.outCols + k];
        const t = v / scale;
        diverging(t, rgb, 0);
        ctx.fillStyle = `rgb(${rgb[0] | 0},${rgb[1] | 0},${rgb[2] | 0})`;
        ctx.fillRect(outX + k * c, outY + r * c, c, c);
        if (text) {
          ctx.fillStyle = Math.abs(t) > 0.55 ? '#fff' : '#1d2733';
          ctx.fillText(fmt(Math.round(v * 100) / 100), outX + k * c + c / 2, outY + r * c + c / 2);
        }
      }
    }
    this._gridLines(ctx, outX, outY, this.outRows, this.outCols, c);
  }

  _gridLines(ctx, x0, y0, rows, cols, c) {
    if (c < 8) return;
    ctx.strokeStyle = 'rgba(128, 140, 152, 0.35)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let r = 0; r <= rows; r++) { ctx.moveTo(x0, y0 + r * c + 0.5); ctx.lineTo(x0 + cols * c, y0 + r * c + 0.5); }
    for (let k = 0; k <= cols; k++) { ctx.moveTo(x0 + k * c + 0.5, y0); ctx.lineTo(x0 + k * c + 0.5, y0 + rows * c); }
    ctx.stroke();
  }

  _drawWindow(ctx, g) {
    const { c, outX, outY } = g;
    const t = this.taps || [];
    if (t.length < 2) return;
    let r0 = Infinity, c0 = Infinity, r1 = -Infinity, c1 = -Infinity;
    ctx.fillStyle = 'rgba(232, 56, 79, 0.22)';
    ctx.strokeStyle = TAP;
    ctx.lineWidth = 2;
    for (let i = 0; i + 1 < t.length; i += 2) {
      const r = t[i];
      const k = t[i + 1];
      r0 = Math.min(r0, r); c0 = Math.min(c0, k); r1 = Math.max(r1, r); c1 = Math.max(c1, k);
      ctx.fillRect(k * c, r * c, c, c);
      ctx.strokeRect(k * c + 1, r * c + 1, c - 2, c - 2);
    }
    // the window's extent (with dilation the taps have gaps between them)
    ctx.setLineDash([5, 3]);
    ctx.lineWidth = 1.5;
    ctx.strokeRect(c0 * c - 1, r0 * c - 1, (c1 - c0 + 1) * c + 2, (r1 - r0 + 1) * c + 2);
    ctx.setLineDash([]);
    const ox = outX + this.col * c;
    const oy = outY + this.row * c;
    ctx.strokeStyle = 'rgba(232, 56, 79, 0.55)';
    ctx.lineWidth = 1.25;
    ctx.beginPath();
    ctx.moveTo((c1 + 1) * c + 1, r0 * c - 1); ctx.lineTo(ox, oy);
    ctx.moveTo((c1 + 1) * c + 1, (r1 + 1) * c + 1); ctx.lineTo(ox, oy + c);
    ctx.stroke();
    ctx.strokeStyle = TAP;
    ctx.lineWidth = 3;
    ctx.strokeRect(ox - 1, oy - 1, c + 2, c + 2);
  }

  /** Which map and cell a mouse position is over, or null. */
  _cellAt(ev) {
    const canvas = this.renderRoot.querySelector('canvas');
    const rect = canvas.getBoundingClientRect();
    const x = ev.clientX - rect.left;
    const y = ev.clientY - rect.top;
    const g = this._geometry();
    const { c } = g;
    if (x >= 0 && x < g.inW && y >= 0 && y < g.inH) {
      return { map: 'input', row: Math.floor(y / c), col: Math.floor(x / c), x, y };
    }
    if (this.outRows > 0 && x >= g.outX && x < g.outX + g.outW && y >= g.outY && y < g.outY + g.outH) {
      return { map: 'output', row: Math.floor((y - g.outY) / c), col: Math.floor((x - g.outX) / c), x, y };
    }
    return null;
  }

  _hover(ev) {
    const hit = this._cellAt(ev);
    if (!hit) { this._tip = null; return; }
    let text;
    if (hit.map === 'input') {
      const p = this.padding;
      if (this._isPadding(hit.row, hit.col)) {
        text = `padding: 0`;
      } else {
        text = `input row ${hit.row - p}, column ${hit.col - p}: ${fmt(this._in[hit.row * this.inCols + hit.col])}`;
      }
    } else {
      text = `output row ${hit.row}, column ${hit.col}: ${fmt(this._out[hit.row * this.outCols + hit.col])} (click to step here)`;
    }
    const canvas = this.renderRoot.querySelector('canvas');
    this._tip = { x: canvas.offsetLeft + hit.x + 14, y: canvas.offsetTop + hit.y + 14, text };
  }

  _click(ev) {
    const hit = this._cellAt(ev);
    if (hit && hit.map === 'output') {
      this.dispatchEvent(new CustomEvent('cell-click', { detail: { row: hit.row, col: hit.col } }));
    }
  }
}

customElements.define('conv-explainer', ConvExplainer);
