// Colours shared by the heat map and the network diagram. TensorFlow Playground's orange/blue
// diverging scale (orange = negative / class 0, blue = positive / class 1); further classes get
// colours that stay apart from those two and from each other.
export const NEGATIVE = [245, 147, 34];   // #f59322
export const NEUTRAL = [232, 234, 235];   // #e8eaeb
export const POSITIVE = [8, 119, 189];    // #0877bd
export const DEFAULT_CLASS_COLORS = ['#f59322', '#0877bd', '#2ca02c', '#9467bd', '#d62728'];
/**
 * How far a decision boundary's background goes from the neutral grey towards a class's colour
 * where the model is certain (0: grey, 1: the points' own colour). Half way, as TensorFlow
 * Playground draws it: the points keep their full colour, so a point on the other class's side
 * stands out and one on its own side still shows.
 */
export const BOUNDARY_STRENGTH = 0.5;

export function hexToRgb(hex) {
  const h = hex.replace('#', '');
  return [parseInt(h.substring(0, 2), 16), parseInt(h.substring(2, 4), 16), parseInt(h.substring(4, 6), 16)];
}

/** Colour for t in [-1, 1] on the diverging scale, written into out[offset..offset+2]. */
export function diverging(t, out, offset) {
  if (!(t === t)) t = 0; // NaN (a diverged network) shows as neutral rather than black
  const a = t < -1 ? 1 : t > 1 ? 1 : Math.abs(t);
  const end = t < 0 ? NEGATIVE : POSITIVE;
  out[offset] = NEUTRAL[0] + (end[0] - NEUTRAL[0]) * a;
  out[offset + 1] = NEUTRAL[1] + (end[1] - NEUTRAL[1]) * a;
  out[offset + 2] = NEUTRAL[2] + (end[2] - NEUTRAL[2]) * a;
}

export function divergingCss(t) {
  const c = [0, 0, 0];
  diverging(t, c, 0);
  return `rgb(${Math.round(c[0])},${Math.round(c[1])},${Math.round(c[2])})`;
}

/** Bytes of a base64 string (the server sends grids and points this way to keep frames small). */
export function decodeBase64(b64) {
  if (!b64) return new Uint8Array(0);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function decodeFloats(b64) {
  const bytes = decodeBase64(b64);
  return new Float32Array(bytes.buffer, 0, Math.floor(bytes.length / 4));
}
