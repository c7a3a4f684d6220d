/**
 * A strict, incremental decoder of a chunked request body (RFC 9112 §7.1), pure: push the bytes as
 * they come, get the data out and, at the last chunk and its trailers, the bytes that follow (the
 * next request on the connection). As strict as llhttp: hex sizes with nothing between the size and
 * CRLF but `;extensions`, CRLF after each chunk's data, trailers that are header lines.
 */
export type ChunkedStep =
  | { readonly kind: 'data'; readonly data: Buffer[] }
  | { readonly kind: 'done'; readonly data: Buffer[]; readonly rest: Buffer }
  | { readonly kind: 'error'; readonly reason: string };

const sizeLine = /^([0-9a-fA-F]{1,15})(;[\t\x20-\x7e\x80-\xff]*)?$/;
const trailerLine = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*$/;

export class ChunkedDecoder {
  private state: 'size' | 'data' | 'data-end' | 'trailer' = 'size';
  private remaining = 0;
  private pending: Buffer = Buffer.alloc(0);
  private trailerBytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): ChunkedStep {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    const data: Buffer[] = [];
    while (buf.length > 0) {
      if (this.state === 'data') {
        const n = Math.min(this.remaining, buf.length);
        data.push(buf.subarray(0, n));
        buf = buf.subarray(n);
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'data-end') {
        if (buf.length < 2) break;
        if (buf[0] !== 0x0d || buf[1] !== 0x0a) return { kind: 'error', reason: 'no CRLF after chunk data' };
        buf = buf.subarray(2);
        this.state = 'size';
        continue;
      }
      const eol = buf.indexOf('\r\n', 0, 'latin1');
      if (eol < 0) {
        if (buf.length > this.maxLineBytes) return { kind: 'error', reason: 'chunk line too long' };
        break;
      }
      const line = buf.toString('latin1', 0, eol);
      buf = buf.subarray(eol + 2);
      if (line.includes('\r') || line.includes('\n')) return { kind: 'error', reason: 'bare CR or LF' };
      if (this.state === 'size') {
        const m = sizeLine.exec(line);
        if (!m) return { kind: 'error', reason: 'invalid chunk size' };
        this.remaining = parseInt(m[1]!, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'data';
        continue;
      }
      // Trailers, up to the blank line that ends the body.
      if (line === '') return { kind: 'done', data, rest: buf };
      this.trailerBytes += line.length;
      if (this.trailerBytes > this.maxLineBytes || !trailerLine.test(line)) return { kind: 'error', reason: 'invalid trailer' };
    }
    this.pending = buf;
    return { kind: 'data', data };
  }
}
