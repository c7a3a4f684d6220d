#!/usr/bin/env node
// A dependency-free HTTP app for the process runtime and the demo. It listens on PORT (the host port
// Berth assigned) on HOST, tells callers which instance answered, and stops gracefully on SIGTERM.
import { createServer } from 'node:http';
import { hostname } from 'node:os';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const started = Date.now();
const log = (msg, extra = {}) => console.log(JSON.stringify({ time: new Date().toISOString(), msg, port, ...extra }));

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://local');
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body)}\n`);
  };
  if (url.pathname === '/') {
    return json(200, { host: hostname(), pid: process.pid, port, version: process.env.APP_VERSION ?? null });
  }
  if (url.pathname === '/health') return json(200, { status: 'ok', uptimeMs: Date.now() - started });
  if (url.pathname === '/slow') {
    const ms = Math.min(Number(url.searchParams.get('ms') ?? 1000) || 0, 600_000);
    const t = setTimeout(() => json(200, { sleptMs: ms, pid: process.pid }), ms);
    res.on('close', () => clearTimeout(t));
    return;
  }
  if (url.pathname.startsWith('/env/')) {
    const name = decodeURIComponent(url.pathname.slice('/env/'.length));
    const value = process.env[name];
    return value === undefined ? json(404, { name, error: 'not set' }) : json(200, { name, value });
  }
  return json(404, { error: 'not found', path: url.pathname });
});

server.listen(port, host, () => log('listening', { host, pid: process.pid }));

process.on('SIGTERM', () => {
  log('shutting down');
  // In-flight requests finish; idle keep-alive sockets are closed so close() can complete.
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000)).unref();
});
