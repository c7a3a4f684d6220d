/**
 * ALB redirect actions. Each part of the target URL is a template over the original request's
 * `#{protocol} #{host} #{port} #{path} #{query}`; parts left out keep their defaults, so
 * `{Protocol: 'HTTPS', Port: '443'}` alone is the usual HTTP→HTTPS redirect. `#{path}` is the
 * original path without its leading slash, which is why the path default is `/#{path}`.
 */
export interface RedirectConfig {
  readonly protocol?: string;
  readonly host?: string;
  readonly port?: string;
  readonly path?: string;
  readonly query?: string;
  readonly statusCode: 'HTTP_301' | 'HTTP_302';
}

export interface RedirectRequest {
  readonly protocol: 'http' | 'https';
  /** The Host header without its port. */
  readonly host: string;
  readonly listenerPort: number;
  /** The request target as sent (path plus optional `?query`). */
  readonly url: string;
}

export interface RedirectResult {
  readonly status: 301 | 302;
  readonly location: string;
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/#\{(protocol|host|port|path|query)\}/g, (_, name: string) => vars[name]!);
}

export function redirectLocation(config: RedirectConfig, req: RedirectRequest): RedirectResult {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const vars: Record<string, string> = {
    protocol: req.protocol,
    host: req.host,
    port: String(req.listenerPort),
    path: path.replace(/^\//, ''),
    query: q < 0 ? '' : req.url.slice(q + 1),
  };
  const protocol = fill(config.protocol ?? '#{protocol}', vars).toLowerCase();
  const host = fill(config.host ?? '#{host}', vars);
  const port = fill(config.port ?? '#{port}', vars);
  let newPath = fill(config.path ?? '/#{path}', vars);
  if (!newPath.startsWith('/')) newPath = '/' + newPath;
  const query = fill(config.query ?? '#{query}', vars);
  return {
    status: config.statusCode === 'HTTP_301' ? 301 : 302,
    location: `${protocol}://${host}:${port}${newPath}${query === '' ? '' : '?' + query}`,
  };
}
