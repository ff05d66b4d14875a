// Makes the small Fashion-MNIST subset committed under
// datasets/src/main/resources/com/layerlab/datasets/fashion-mnist/: 2,000 images of the official
// test set (t10k), 200 of each of the 10 classes, the first 200 of each class in the test set's
// order, kept in that order. It keeps tests and first runs working on a machine without the full set.
//
//   apt-get install -y dataset-fashion-mnist
//   node datasets/tools/fashion-mnist-subset.mjs /usr/share/datasets/fashion-mnist datasets/src/main/resources/com/layerlab/datasets/fashion-mnist
//
// Fashion-MNIST: Copyright 2017 Zalando SE, MIT licence (https://github.com/zalandoresearch/fashion-mnist).
import { join } from 'node:path';
import { readIdx, writeIdx } from './idx.mjs';

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: node fashion-mnist-subset.mjs <folder with t10k-*-ubyte.gz> <output dir>');
  process.exit(2);
}
const PER_CLASS = 200;
const images = readIdx(join(src, 't10k-images-idx3-ubyte.gz'));
const labels = readIdx(join(src, 't10k-labels-idx1-ubyte.gz'));
const [n, h, w] = images.dims;
if (labels.dims[0] !== n) throw new Error(`${n} images but ${labels.dims[0]} labels`);

const taken = new Array(10).fill(0);
const chosen = [];
for (let i = 0; i < n; i++) {
  const l = labels.data[i];
  if (taken[l] < PER_CLASS) {
    taken[l]++;
    chosen.push(i);
  }
}
if (chosen.length !== 10 * PER_CLASS) throw new Error(`only ${chosen.length} images found`);
const size = h * w;
const pixels = new Uint8Array(chosen.length * size);
const subLabels = new Uint8Array(chosen.length);
chosen.forEach((i, k) => {
  pixels.set(images.data.subarray(i * size, (i + 1) * size), k * size);
  subLabels[k] = labels.data[i];
});
writeIdx(join(out, 't10k-2000-images-idx3-ubyte.gz'), [chosen.length, h, w], pixels);
writeIdx(join(out, 't10k-2000-labels-idx1-ubyte.gz'), [chosen.length], subLabels);
console.log(`wrote ${chosen.length} images (${PER_CLASS} per class), last source index ${chosen[chosen.length - 1]}`);
