/**
 * The product row: `berth up` spawned as users run it (`node bin/berth.js up`, the compiled dist
 * entry, its own data dir and API port, `--no-demo` so nothing is pulled from a registry), with an
 * internal ALB, an `ip` target group holding the one upstream, access logs on, an HTTP listener
 * and (with a certificate) an HTTPS listener, all made through the AWS SDK v3 clients. Prometheus
 * metrics are always on in `berth up`. `--lb-workers` is passed only when `berth up --help` lists it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as acm from '@aws-sdk/client-acm';
import * as ec2 from '@aws-sdk/client-ec2';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { freePort } from '../src/platform/free-port.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'berth.js');

export interface ProductBerth {
  readonly pid: number;
  readonly httpPort: number;
  readonly httpsPort: number | undefined;
  readonly workersFlag: boolean;
  stop(): Promise<void>;
}

let helpText: string | undefined;
/** Whether this build's `berth up` has `--lb-workers` (helper work lands in parallel). */
export function hasLbWorkersFlag(): boolean {
  helpText ??= spawnSync(process.execPath, [bin, 'up', '--help'], { encoding: 'utf8' }).stdout ?? '';
  return helpText.includes('--lb-workers');
}

function required<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null) throw new Error(`bench setup: no ${what} in the answer`);
  return v;
}

async function until(what: string, timeoutMs: number, gone: () => boolean, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (gone()) throw new Error(`bench setup: berth up exited while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`bench setup: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ProductOptions {
  readonly upstreamPort: number;
  /** `--lb-workers N`, when the build has the flag. */
  readonly workers?: number;
  /** A directory with cert.pem and key.pem: also make an HTTPS listener on them. */
  readonly certDir?: string;
  readonly sslPolicy?: string;
  /** Another build's `bin/berth.js` (an A/B of two versions); default this checkout's. */
  readonly bin?: string;
  /** Write a CPU profile of the berth process (and of the workers it forks) here. */
  readonly cpuProfDir?: string;
}

export async function startProductBerth(o: ProductOptions): Promise<ProductBerth> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-up-'));
  const apiPort = await freePort();
  const workersFlag = o.workers !== undefined && hasLbWorkersFlag();
  const args = [
    o.bin ?? bin,
    'up',
    '--data-dir',
    dataDir,
    '--api-port',
    String(apiPort),
    '--no-demo',
    ...(workersFlag ? ['--lb-workers', String(o.workers)] : []),
  ];
  // cluster.fork and child_process.fork pass execArgv on, so workers are profiled too.
  const prof = o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : [];
  const child: ChildProcess = spawn(process.execPath, [...prof, ...args], {
    cwd: dataDir,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const endpoint = `http://127.0.0.1:${apiPort}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGINT');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await until('berth up to answer', 60_000, gone, async () => /API: +http/.test(out));
    const cfg = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
    const lbc = new elbv2.ElasticLoadBalancingV2Client(cfg);
    const ec2c = new ec2.EC2Client(cfg);
    const subnets = ((await ec2c.send(new ec2.DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => required(s.SubnetId, 'SubnetId'));
    const vpcId = required((await ec2c.send(new ec2.DescribeVpcsCommand({}))).Vpcs?.[0]?.VpcId, 'VpcId');
    const lb = required(
      (await lbc.send(new elbv2.CreateLoadBalancerCommand({ Name: 'bench', Scheme: 'internal', Subnets: subnets }))).LoadBalancers?.[0],
      'load balancer',
    );
    const lbArn = required(lb.LoadBalancerArn, 'LoadBalancerArn');
    await lbc.send(new elbv2.ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lbArn, Attributes: [{ Key: 'access_logs.s3.enabled', Value: 'true' }] }));
    const tg = required(
      (
        await lbc.send(
          new elbv2.CreateTargetGroupCommand({ Name: 'bench', Protocol: 'HTTP', Port: o.upstreamPort, VpcId: vpcId, TargetType: 'ip', HealthCheckPath: '/' }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn,
      'TargetGroupArn',
    );
    await lbc.send(new elbv2.RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: '127.0.0.1', Port: o.upstreamPort }] }));
    const httpPort = await freePort();
    const forward = [{ Type: 'forward' as const, TargetGroupArn: tg }];
    await lbc.send(new elbv2.CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: httpPort, DefaultActions: forward }));
    let httpsPort: number | undefined;
    if (o.certDir) {
      const acmc = new acm.ACMClient(cfg);
      const certArn = required(
        (
          await acmc.send(
            new acm.ImportCertificateCommand({
              Certificate: readFileSync(join(o.certDir, 'cert.pem')),
              PrivateKey: readFileSync(join(o.certDir, 'key.pem')),
            }),
          )
        ).CertificateArn,
        'CertificateArn',
      );
      httpsPort = await freePort();
      await lbc.send(
        new elbv2.CreateListenerCommand({
          LoadBalancerArn: lbArn,
          Protocol: 'HTTPS',
          Port: httpsPort,
          Certificates: [{ CertificateArn: certArn }],
          SslPolicy: o.sslPolicy,
          DefaultActions: forward,
        }),
      );
    }
    await until('the listener to forward', 30_000, gone, async () => (await fetch(`http://127.0.0.1:${httpPort}/bench`)).status === 200);
    await until('the target to be healthy', 60_000, gone, async () => {
      const d = await lbc.send(new elbv2.DescribeTargetHealthCommand({ TargetGroupArn: tg }));
      return d.TargetHealthDescriptions?.[0]?.TargetHealth?.State === 'healthy';
    });
    return { pid: required(child.pid, 'pid'), httpPort, httpsPort, workersFlag, stop };
  } catch (e) {
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- berth up said:\n${out.slice(-4000)}`);
  }
}
