// IDX files (the MNIST format): a 4-byte magic (0, 0, type 0x08 = unsigned byte, number of
// dimensions), each dimension as a big-endian 32-bit integer, then the data in row-major order.
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';

export function readIdx(path) {
  let buf = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file`);
  const rank = buf[3];
  const dims = [];
  for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const data = buf.subarray(4 + 4 * rank);
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`${path}: ${data.length} data bytes, dimensions ${dims} need ${count}`);
  return { dims, data };
}

// gzip level 9; Node writes mtime 0, so the same input gives the same bytes.
export function writeIdx(path, dims, data) {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, gzipSync(Buffer.concat([head, Buffer.from(data)]), { level: 9 }));
}
