import { LitElement, html, css } from 'lit';
import { DEFAULT_CLASS_COLORS, BOUNDARY_STRENGTH, hexToRgb, diverging, NEUTRAL, decodeBase64, decodeFloats } from './palette.js';

/**
 * A model's output over the plane as an n x n heat map, with the data points on top.
 *
 * The server pushes compact data so that 10+ frames a second stay cheap:
 * - `values`: base64 of n*n*channels bytes, row 0 = top (x2 = +extent), column 0 = left (x1 = -extent);
 *   mode "diverging" (1 channel): byte b means t = b/127.5 - 1 in [-1, 1], orange (-1) to blue (+1);
 *   mode "classes" (K channels): byte b means probability b/255 of that class.
 * - `points` / `testPoints`: base64 of little-endian float32 triples (x1, x2, v); v is t in [-1, 1]
 *   (diverging) or the class index (classes).
 * The background is paler than the points (BOUNDARY_STRENGTH), and each point has an outline:
 * white for training points, dark for test points.
 * When `drawable`, a click fires `point-click` with the plane's coordinates {x1, x2} (the playground's
 * drawing tool); what a click does is the server's to decide.
 */
class HeatMap extends LitElement {
  static properties = {
    size: { type: Number },
    mode: { type: String },
    n: { type: Number },
    channels: { type: Number },
    values: { type: String },
    points: { type: String },
    testPoints: { type: String },
    showTest: { type: Boolean },
    discretize: { type: Boolean },
    extent: { type: Number },
    axes: { type: Boolean },
    classColors: { type: Array },
    // how the hover text reads a diverging value: "probability" (binary: P(class 1) = (t+1)/2)
    // or "value" (regression: t * valueScale)
    valueKind: { type: String },
    valueScale: { type: Number },
    pointRadius: { type: Number },
    drawable: { type: Boolean },
  };

  static styles = css`
    :host { display: inline-block; position: relative; }
    .wrap { display: grid; grid-template-columns: auto auto; grid-template-rows: auto auto; }
    canvas { display: block; border-radius: 2px; }
    :host([drawable]) canvas { cursor: crosshair; }
    .yaxis { display: flex; flex-direction: column; justify-content: space-between; align-items: flex-end;
             font-size: 10px; color: var(--lumo-secondary-text-color, #666); padding-right: 3px; line-height: 1; }
    .xaxis { grid-column: 2; display: flex; justify-content: space-between; font-size: 10px;
             color: var(--lumo-secondary-text-color, #666); padding-top: 2px; line-height: 1; }
  `;

  constructor() {
    super();
    this.size = 300;
    this.mode = 'diverging';
    this.n = 0;
    this.channels = 1;
    this.values = '';
    this.points = '';
    this.testPoints = '';
    this.showTest = false;
    this.discretize = false;
    this.extent = 6;
    this.axes = false;
    this.classColors = DEFAULT_CLASS_COLORS;
    this.valueKind = 'probability';
    this.valueScale = 1;
    this.pointRadius = 0;
    this.drawable = false;
    this._grid = new Uint8Array(0);
    this._train = new Float32Array(0);
    this._test = new Float32Array(0);
  }

  render() {
    const ticks = this.axes ? [-this.extent, -this.extent / 2, 0, this.extent / 2, this.extent] : [];
    const fmt = (v) => (Math.round(v * 10) / 10).toString();
    return html`<div class="wrap">
      ${this.axes ? html`<div class="yaxis" style="height:${this.size}px">${[...ticks].reverse().map((t) => html`<span>${fmt(t)}</span>`)}</div>` : html`<div></div>`}
      <canvas part="canvas" style="width:${this.size}px;height:${this.size}px"
              @mousemove=${this._hover} @mouseleave=${() => this.removeAttribute('title')}
              @click=${this._click}></canvas>
      ${this.axes ? html`<div class="xaxis" style="width:${this.size}px">${ticks.map((t) => html`<span>${fmt(t)}</span>`)}</div>` : ''}
    </div>`;
  }

  updated(changed) {
    if (changed.has('values')) this._grid = decodeBase64(this.values);
    if (changed.has('points')) this._train = decodeFloats(this.points);
    if (changed.has('testPoints')) this._test = decodeFloats(this.testPoints);
    this._draw();
  }

  _rgbColors() {
    return (this.classColors && this.classColors.length ? this.classColors : DEFAULT_CLASS_COLORS).map(hexToRgb);
  }

  _draw() {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const px = Math.round(this.size * dpr);
    // both sides: a fresh canvas is 300 x 150, so a 300 px map would otherwise keep half its height
    if (canvas.width !== px || canvas.height !== px) { canvas.width = px; canvas.height = px; }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = `rgb(${NEUTRAL.join(',')})`;
    ctx.fillRect(0, 0, px, px);
    this._drawGrid(ctx, px);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this._drawPoints(ctx, this._train, '#ffffff');
    if (this.showTest) this._drawPoints(ctx, this._test, '#1d2733');
  }

  _drawGrid(ctx, px) {
    const n = this.n | 0;
    const k = Math.max(1, this.channels | 0);
    if (n < 2 || this._grid.length < n * n * k) return;
    if (!this._off || this._off.width !== n) {
      this._off = document.createElement('canvas');
      this._off.width = n;
      this._off.height = n;
    }
    const octx = this._off.getContext('2d');
    const img = octx.createImageData(n, n);
    const data = img.data;
    const rgb = [0, 0, 0];
    const colors = this._rgbColors();
    const strength = BOUNDARY_STRENGTH;
    for (let cell = 0; cell < n * n; cell++) {
      if (this.mode === 'classes') {
        let best = 0;
        let bestP = -1;
        for (let c = 0; c < k; c++) {
          const p = this._grid[cell * k + c];
          if (p > bestP) { bestP = p; best = c; }
        }
        const col = colors[best % colors.length];
        // certainty: 0 where all classes are equally likely, 1 where one class has probability 1
        let a = this.discretize ? 1 : (bestP / 255 - 1 / k) / (1 - 1 / k);
        a = Math.max(0, Math.min(1, a)) * strength;
        rgb[0] = NEUTRAL[0] + (col[0] - NEUTRAL[0]) * a;
        rgb[1] = NEUTRAL[1] + (col[1] - NEUTRAL[1]) * a;
        rgb[2] = NEUTRAL[2] + (col[2] - NEUTRAL[2]) * a;
      } else {
        let t = this._grid[cell] / 127.5 - 1;
        if (this.discretize) t = t > 0 ? 1 : t < 0 ? -1 : 0;
        diverging(t * strength, rgb, 0);
      }
      const o = cell * 4;
      data[o] = rgb[0];
      data[o + 1] = rgb[1];
      data[o + 2] = rgb[2];
      data[o + 3] = 255;
    }
    octx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = !this.discretize;
    ctx.drawImage(this._off, 0, 0, px, px);
  }

  _drawPoints(ctx, pts, outline) {
    if (!pts.length) return;
    const s = this.size;
    const e = this.extent;
    const r = this.pointRadius > 0 ? this.pointRadius : Math.max(1.2, s / 90);
    const colors = this.classColors && this.classColors.length ? this.classColors : DEFAULT_CLASS_COLORS;
    const rgb = [0, 0, 0];
    // small maps (the comparison's thumbnails) have no room for an outline
    const stroke = s >= 120;
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = outline;
    for (let i = 0; i + 2 < pts.length; i += 3) {
      const x = ((pts[i] + e) / (2 * e)) * s;
      const y = ((e - pts[i + 1]) / (2 * e)) * s;
      if (this.mode === 'classes') {
        ctx.fillStyle = colors[(pts[i + 2] | 0) % colors.length];
      } else {
        diverging(pts[i + 2], rgb, 0);
        ctx.fillStyle = `rgb(${rgb[0] | 0},${rgb[1] | 0},${rgb[2] | 0})`;
      }
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fill();
      if (stroke) ctx.stroke();
    }
  }

  _click(ev) {
    if (!this.drawable) return;
    const rect = ev.target.getBoundingClientRect();
    const x1 = -this.extent + ((ev.clientX - rect.left) / rect.width) * 2 * this.extent;
    const x2 = this.extent - ((ev.clientY - rect.top) / rect.height) * 2 * this.extent;
    this.dispatchEvent(new CustomEvent('point-click', { detail: { x1, x2 } }));
  }

  _hover(ev) {
    const n = this.n | 0;
    const k = Math.max(1, this.channels | 0);
    if (n < 2 || this._grid.length < n * n * k) return;
    const rect = ev.target.getBoundingClientRect();
    const fx = (ev.clientX - rect.left) / rect.width;
    const fy = (ev.clientY - rect.top) / rect.height;
    const col = Math.max(0, Math.min(n - 1, Math.round(fx * (n - 1))));
    const row = Math.max(0, Math.min(n - 1, Math.round(fy * (n - 1))));
    const x1 = -this.extent + fx * 2 * this.extent;
    const x2 = this.extent - fy * 2 * this.extent;
    const cell = row * n + col;
    let text = `x1 = ${x1.toFixed(2)}, x2 = ${x2.toFixed(2)}\n`;
    if (this.mode === 'classes') {
      const parts = [];
      for (let c = 0; c < k; c++) parts.push(`P(class ${c}) = ${(this._grid[cell * k + c] / 255).toFixed(2)}`);
      text += parts.join('\n');
    } else {
      const t = this._grid[cell] / 127.5 - 1;
      text += this.valueKind === 'probability'
        ? `P(class 1) = ${((t + 1) / 2).toFixed(2)}`
        : `output = ${(t * this.valueScale).toFixed(3)}`;
    }
    this.setAttribute('title', text);
  }
}

customElements.define('heat-map', HeatMap);
