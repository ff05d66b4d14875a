import { LitElement, html, css } from 'lit';
import { diverging, decodeBase64 } from './palette.js';

/**
 * A grid of small images with captions: a batch of training images with their labels, test images
 * with their top-3 predictions, a layer's feature maps, the first layer's filters.
 *
 * The server sets `grid` to JSON: {size, selectable, empty, tiles: [{shape: [c, h, w] or [n],
 * data: base64 bytes (CHW), mode: "gray" | "rgb" | "diverging", title, caption, wrong, selected}]}.
 * gray: byte/255 as grey; rgb: three planes; diverging: byte b is t = b/127.5 - 1 on the
 * orange-grey-blue scale. A 1D tile ([n]) is drawn as rows of up to 32 cells.
 * Clicking a tile of a selectable grid fires `tile-click` with {index}.
 * The CSS variable --ll-image-zoom (1 when unset), set on any ancestor, enlarges the pictures and
 * their text, for a projector.
 */
class CnnImageGrid extends LitElement {
  static properties = {
    grid: { type: String },
  };

  static styles = css`
    :host { display: block; }
    .tiles { display: flex; flex-wrap: wrap; gap: 6px; align-items: flex-start; }
    figure { margin: 0; display: flex; flex-direction: column; align-items: center; gap: 2px; padding: 3px;
             border-radius: 5px; border: 2px solid transparent; }
    figure.selectable { cursor: pointer; }
    figure.selectable:hover { background: #eef3fa; }
    figure.selected { border-color: var(--lumo-primary-color, #1676f3); background: #eef5fe; }
    figure.wrong canvas { outline: 2px solid #d62728; outline-offset: 1px; }
    canvas { display: block; image-rendering: pixelated; background: #e8eaeb; border-radius: 2px; }
    .title { font-size: calc(9.5px + 1.5px * var(--ll-image-zoom, 1)); font-weight: 600; color: var(--lumo-body-text-color, #222); max-width: 100%;
             white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .caption { font-size: calc(10px + 1.5px * var(--ll-image-zoom, 1)); color: var(--lumo-body-text-color, #333);
               white-space: pre; line-height: 1.25;
               font-variant-numeric: tabular-nums; text-align: left; }
    figure.wrong .title { color: #c62828; }
    .empty { font-size: 12px; color: var(--lumo-secondary-text-color, #777); padding: 6px 0; }
  `;

  constructor() {
    super();
    this.grid = '';
    this._parsed = { tiles: [] };
  }

  willUpdate(changed) {
    if (changed.has('grid')) {
      try {
        this._parsed = this.grid ? JSON.parse(this.grid) : { tiles: [] };
      } catch (e) {
        this._parsed = { tiles: [] };
      }
    }
  }

  /** Tiles drawn (tests read it). */
  get tileCount() {
    return (this._parsed.tiles || []).length;
  }

  render() {
    const g = this._parsed;
    const tiles = g.tiles || [];
    if (!tiles.length) {
      return html`<div class="empty">${g.empty || ''}</div>`;
    }
    const size = g.size || 56;
    return html`<div class="tiles">${tiles.map((t, i) => {
      const [w, h] = this._dims(t);
      const scale = Math.max(1, Math.floor(size / Math.max(w, h)));
      const cls = ['tile', g.selectable ? 'selectable' : '', t.selected ? 'selected' : '', t.wrong ? 'wrong' : ''].join(' ');
      return html`<figure class=${cls} data-index=${i} title=${t.tooltip || ''}
                          @click=${() => this._click(i)}>
        <canvas width=${w} height=${h}
                style="width:calc(${w * scale}px * var(--ll-image-zoom, 1));height:calc(${h * scale}px * var(--ll-image-zoom, 1))"></canvas>
        ${t.title ? html`<span class="title" style="max-width:calc(${Math.max(w * scale, 48)}px * var(--ll-image-zoom, 1))">${t.title}</span>` : ''}
        ${t.caption ? html`<span class="caption">${t.caption}</span>` : ''}
      </figure>`;
    })}</div>`;
  }

  updated() {
    const tiles = this._parsed.tiles || [];
    const canvases = this.renderRoot.querySelectorAll('canvas');
    tiles.forEach((t, i) => { if (canvases[i]) this._draw(canvases[i], t); });
  }

  _dims(t) {
    const s = t.shape || [0];
    if (s.length === 1) {
      const cols = Math.min(32, s[0]);
      return [cols, Math.ceil(s[0] / cols)];
    }
    return [s[s.length - 1], s[s.length - 2]];
  }

  _draw(canvas, t) {
    const [w, h] = this._dims(t);
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(w, h);
    const bytes = decodeBase64(t.data);
    const px = img.data;
    const s = t.shape || [0];
    const plane = s.length === 1 ? s[0] : w * h;
    const rgb = t.mode === 'rgb' && s.length === 3 && s[0] >= 3;
    const c = [0, 0, 0];
    for (let i = 0; i < w * h; i++) {
      const o = i * 4;
      if (i >= plane) { px[o] = 244; px[o + 1] = 246; px[o + 2] = 248; px[o + 3] = 255; continue; }
      if (rgb) {
        px[o] = bytes[i]; px[o + 1] = bytes[plane + i]; px[o + 2] = bytes[2 * plane + i];
      } else if (t.mode === 'diverging') {
        diverging(bytes[i] / 127.5 - 1, c, 0);
        px[o] = c[0]; px[o + 1] = c[1]; px[o + 2] = c[2];
      } else {
        px[o] = px[o + 1] = px[o + 2] = bytes[i];
      }
      px[o + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  _click(i) {
    if (!this._parsed.selectable) return;
    this.dispatchEvent(new CustomEvent('tile-click', { detail: { index: i }, bubbles: true, composed: true }));
  }
}

customElements.define('cnn-image-grid', CnnImageGrid);
