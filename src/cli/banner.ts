/**
 * What `berth up` / `berth server` print once they listen: where things are, how to point the AWS CLI
 * at them, and what stopping Berth does to the tasks. Pure; every URL a test can check answers.
 */

export interface BannerFacts {
  readonly apiUrl: string;
  readonly withAgent: boolean;
  readonly runtime?: string;
  readonly dataDir: string;
  readonly demo?: { readonly listenerUrl: string; readonly serviceName: string };
  readonly stopTasksOnExit: boolean;
}

export function renderBanner(f: BannerFacts): string {
  const lines = [`Berth is up (${f.runtime ? `runtime ${f.runtime}, ` : ''}data dir ${f.dataDir}).`, `  API:      ${f.apiUrl}`, `  Console:  ${f.apiUrl}/`];
  if (f.demo) lines.push(`  Demo:     ${f.demo.listenerUrl}  (service ${f.demo.serviceName}: 2 tasks on dynamic host ports behind an internal ALB)`);
  // Debian 12's AWS CLI is 2.9, which ignores AWS_ENDPOINT_URL (2.13+) and would call real AWS: the flag always works.
  lines.push(
    `  AWS CLI:  aws --endpoint-url ${f.apiUrl} ecs list-services     (any credentials work on loopback;`,
    `            CLI 2.13+ and the SDKs also read AWS_ENDPOINT_URL=${f.apiUrl})`,
  );
  if (f.demo) {
    lines.push(`  try:      aws --endpoint-url ${f.apiUrl} ecs describe-services --services ${f.demo.serviceName} --query 'services[0].events[0:3]'`);
  }
  if (!f.withAgent) {
    lines.push(`  agents:   berth agent --server ${f.apiUrl} --advertise-ip <this host's address>`);
    lines.push(`  lb nodes: berth lb --server ${f.apiUrl} --advertise-ip <their address>`);
  } else if (f.stopTasksOnExit) lines.push('  Ctrl-C stops Berth and the tasks it runs (--stop-tasks-on-exit).');
  else lines.push('  Tasks keep running after Berth stops (Ctrl-C); the next berth up adopts them. berth up --stop-tasks-on-exit stops them too.');
  return `${lines.join('\n')}\n`;
}
