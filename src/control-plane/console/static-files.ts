/**
 * The built console (vite's output) served from one folder: files by path, `index.html` for client
 * routes (the SPA fallback), hashed `/assets/*` cached for good. Nothing leaves the folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly cacheControl: string;
}

/** The file under root a URL path names, or undefined when it would leave root. Pure. */
export function fileUnder(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const base = resolve(root);
  const full = resolve(base, `.${normalize(`/${decoded}`)}`);
  return full === base || full.startsWith(base + sep) ? full : undefined;
}

async function readIfFile(path: string): Promise<Buffer | undefined> {
  try {
    return (await stat(path)).isFile() ? await readFile(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What to answer a GET with: the file itself, else index.html for a client route (a path without
 * an extension outside /assets/), else undefined (404).
 */
export async function staticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  const path = fileUnder(root, urlPath);
  if (!path) return undefined;
  const body = await readIfFile(path);
  const pathname = urlPath.split('?')[0]!;
  if (body) {
    const immutable = pathname.startsWith('/assets/');
    return {
      body,
      contentType: TYPES[extname(path)] ?? 'application/octet-stream',
      cacheControl: immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
  }
  if (pathname.startsWith('/assets/') || extname(pathname) !== '') return undefined;
  const index = await readIfFile(join(resolve(root), 'index.html'));
  return index ? { body: index, contentType: TYPES['.html']!, cacheControl: 'no-cache' } : undefined;
}
