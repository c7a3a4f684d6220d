/**
 * The API URL a replica publishes in its server record and the leader key, where its peers (metric
 * reads, replica-metric-store.ts) and `berth status` reach it. A server bound to every address
 * (0.0.0.0, ::) would publish a URL nobody can connect to: `--advertise-url` wins when given, else
 * that host's loopback address, which a replica on the same host reaches (one on another host that
 * follows it reaches itself, and gets 421: no double count, but no data). Pure.
 */
export function publishedApiUrl(bound: { readonly address: string; readonly family: string; readonly port: number }, advertised?: string): string {
  if (advertised) return advertised.replace(/\/+$/, '');
  if (bound.address === '0.0.0.0') return `http://127.0.0.1:${bound.port}`;
  if (bound.address === '::') return `http://[::1]:${bound.port}`;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return `http://${host}:${bound.port}`;
}
