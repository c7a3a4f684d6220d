/**
 * A minimal ustar writer (directories, files, symlinks), enough to hand `docker import` a rootfs
 * without shelling out to tar. Pure: entries in, bytes out, with a fixed mtime so equal input gives
 * equal bytes.
 */

export type TarEntry =
  | { type: 'dir'; path: string; mode: number }
  | { type: 'file'; path: string; mode: number; data: Buffer }
  | { type: 'symlink'; path: string; target: string };

const BLOCK = 512;
const FIXED_MTIME = 1_700_000_000; // seconds; any constant keeps the archive reproducible

export function tarArchive(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.type === 'file' ? e.data : Buffer.alloc(0);
    parts.push(header(e, data.length));
    if (data.length > 0) {
      parts.push(data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function header(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const path = e.type === 'dir' ? `${e.path.replace(/\/$/, '')}/` : e.path;
  const [prefix, name] = splitPath(path);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, e.type === 'symlink' ? 0o777 : e.mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, FIXED_MTIME);
  h.write('        ', 148, 8, 'ascii'); // checksum is computed with its own field as spaces
  h.write(e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0', 156, 1, 'ascii');
  if (e.type === 'symlink') {
    if (Buffer.byteLength(e.target) > 100) throw new RangeError(`symlink target too long: ${e.target}`);
    h.write(e.target, 157, 100, 'utf8');
  }
  h.write('ustar\u0000', 257, 6, 'binary');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'binary');
  return h;
}

function splitPath(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  const cut = path.lastIndexOf('/', path.length - 2);
  const prefix = path.slice(0, cut);
  const name = path.slice(cut + 1);
  if (cut < 0 || Buffer.byteLength(prefix) > 155 || Buffer.byteLength(name) > 100) {
    throw new RangeError(`path too long for ustar: ${path}`);
  }
  return [prefix, name];
}

function octal(h: Buffer, offset: number, width: number, value: number): void {
  h.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'ascii');
}
