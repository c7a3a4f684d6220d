/**
 * Issue 9's attacks on a loopback Berth under `--auth none`, replayed: a page on another site posting
 * cross-site forms (text/plain and urlencoded) at the Query API and the console, and a DNS-rebinding
 * page (a foreign name that resolves to 127.0.0.1, so the browser treats Berth as same-origin and lets
 * it send any header). Each is run in real Chromium; each must be refused and must create nothing.
 * Crafted requests check the same refusals without a browser, and the console's cookie under sigv4.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { type ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { parseUpConfig } from '../../src/main/config.js';
import { startBerth, type RunningBerth } from '../../src/main/up.js';
import { silentLogger } from '../../src/platform/logger.js';
import { removeDataDir } from '../support/berth-process.js';
import { CHROMIUM_PATH, chromiumRequirement } from '../browser/chromium.js';
import { eventually } from '../support/eventually.js';
import { ec2Client, ecsClient } from '../support/sdk-clients.js';

const REBIND = 'rebind.berth-test';

/** A raw request with any Host header (fetch will not let a caller set it). */
function raw(url: string, opts: { method?: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('hostile web pages against berth up --auth none', { skip: chromiumRequirement(), timeout: 120_000 }, () => {
  let berth: RunningBerth;
  let dataDir: string;
  let attacker: Server;
  let attackerUrl: string;
  let browser: Browser;
  let ec2: EC2Client;
  let ecs: ECSClient;
  /** The attacker's page: what it does is in the query string. */
  let page = '';

  const groups = async () => ((await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []).map((g) => g.GroupName);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'berth-hostile-web-'));
    berth = await startBerth(parseUpConfig(['--data-dir', dataDir, '--api-port', '0', '--no-demo'], {}), silentLogger, { withAgent: false });
    const cfg = { endpoint: berth.apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };
    ec2 = ec2Client(cfg.endpoint, cfg);
    ecs = ecsClient(cfg.endpoint, cfg);
    // Another site: 127.0.0.2 is another origin, and another site, than 127.0.0.1.
    attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.2', r));
    attackerUrl = `http://127.0.0.2:${(attacker.address() as { port: number }).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        // DNS rebinding without a DNS server: this name resolves to loopback, as the attacker's would.
        `--host-resolver-rules=MAP ${REBIND} 127.0.0.1`,
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => attacker?.close(r));
    await berth?.stop();
    removeDataDir(dataDir);
  });

  test('cross-site forms (text/plain and urlencoded) cannot create a security group', async () => {
    const api = berth.apiUrl + '/';
    const before = await groups();
    page = `<!doctype html><body>
      <iframe name="a"></iframe><iframe name="b"></iframe><iframe name="c"></iframe>
      <form id="plain" target="a" method="POST" action="${api}" enctype="text/plain">
        <input name="Action=CreateSecurityGroup&Version=2016-11-15&GroupName=pwned-plain&GroupDescription=x&z" value="1"></form>
      <form id="url" target="b" method="POST" action="${api}">
        <input name="Action" value="CreateSecurityGroup"><input name="Version" value="2016-11-15">
        <input name="GroupName" value="pwned-form"><input name="GroupDescription" value="x"></form>
      <form id="console" target="c" method="POST" action="${berth.apiUrl}/berth/console/v1/target-groups" enctype="text/plain">
        <input name='{"Name":"pwned-tg","Protocol":"HTTP","Port":80,"x":"' value='"}'></form>
      <script>for (const f of document.forms) f.submit();</script></body>`;
    const tab = await browser.newPage();
    const answers: Array<{ url: string; status: number }> = [];
    tab.on('response', (r) => {
      if (r.request().method() === 'POST') answers.push({ url: r.url(), status: r.status() });
    });
    await tab.goto(attackerUrl);
    await eventually(async () => (answers.length >= 3 ? true : undefined), { what: 'the three form posts to be answered', timeoutMs: 15_000, intervalMs: 50 });
    await tab.close();
    assert.deepEqual(answers.map((a) => a.status).sort(), [403, 403, 403], JSON.stringify(answers));
    assert.deepEqual(await groups(), before);
    const tgs = await raw(`${berth.apiUrl}/berth/console/v1/target-groups`, { method: 'GET', headers: { host: new URL(berth.apiUrl).host } });
    assert.doesNotMatch(tgs.body, /pwned-tg/);
  });

  test('a DNS-rebinding page is refused, though the browser lets it send X-Amz-Target', async () => {
    const port = new URL(berth.apiUrl).port;
    const tab = await browser.newPage();
    const first = await tab.goto(`http://${REBIND}:${port}/`);
    assert.equal(first?.status(), 403);
    assert.match(JSON.parse(await first!.text()).message, /^The Host header names "rebind\.berth-test:\d+", which is not a loopback address/);
    // Same-origin now, from the browser's view: the page may send any header and body.
    const attempt = await tab.evaluate(async () => {
      const res = await fetch('/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.CreateCluster' },
        body: JSON.stringify({ clusterName: 'pwned-rebind' }),
      });
      return { status: res.status, body: await res.text() };
    });
    const console = await tab.evaluate(async () => (await fetch('/berth/console/v1/clusters')).status);
    await tab.close();
    assert.equal(attempt.status, 400);
    assert.equal(JSON.parse(attempt.body).__type, 'AccessDeniedException');
    assert.equal(console, 403);
    assert.ok(!((await ecs.send(new ListClustersCommand({}))).clusterArns ?? []).some((a) => a.includes('pwned-rebind')));
  });

  test('crafted requests: foreign Host, foreign Origin, text/plain bodies', async () => {
    const host = new URL(berth.apiUrl).host;
    const form = 'Action=CreateSecurityGroup&Version=2016-11-15&GroupName=pwned-crafted&GroupDescription=x';
    const urlencoded = 'application/x-www-form-urlencoded; charset=utf-8';
    const foreignHost = await raw(berth.apiUrl, { headers: { host: 'evil.example', 'content-type': urlencoded }, body: form });
    assert.equal(foreignHost.status, 403);
    assert.match(foreignHost.body, /<Code>UnauthorizedOperation<\/Code><Message>The Host header names &quot;evil.example&quot;/);
    const foreignOrigin = await raw(berth.apiUrl, { headers: { host, origin: 'http://evil.example', 'content-type': urlencoded }, body: form });
    assert.equal(foreignOrigin.status, 403);
    assert.match(foreignOrigin.body, /The Origin header &quot;http:\/\/evil.example&quot; is not this server&apos;s own/);
    const nullOrigin = await raw(berth.apiUrl, { headers: { host, origin: 'null', 'content-type': urlencoded }, body: form });
    assert.equal(nullOrigin.status, 403);
    const plain = await raw(berth.apiUrl, { headers: { host, 'content-type': 'text/plain' }, body: form });
    assert.equal(plain.status, 400);
    assert.match(
      plain.body,
      /<Code>MissingAction<\/Code><Message>Missing Action: the body is read only as a form\. The Content-Type header is &quot;text\/plain&quot;/,
    );
    const jsonAsPlain = await raw(berth.apiUrl, {
      headers: { host, 'content-type': 'text/plain', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.CreateCluster' },
      body: '{"clusterName":"pwned-plain"}',
    });
    assert.equal(jsonAsPlain.status, 400);
    assert.equal(JSON.parse(jsonAsPlain.body).__type, 'UnknownOperationException');
    // The same request as the AWS CLI sends it works, so the refusals above are about the headers alone.
    const ok = await raw(berth.apiUrl, { headers: { host, 'content-type': urlencoded }, body: form.replace('pwned-crafted', 'legit-crafted') });
    assert.equal(ok.status, 200, ok.body);
    const names = await groups();
    assert.ok(names.includes('legit-crafted'));
    assert.ok(!names.some((n) => n?.startsWith('pwned')), String(names));
    assert.equal((await raw(`${berth.apiUrl}/berth/console/v1/clusters`, { method: 'GET', headers: { host: 'localhost' } })).status, 200);
    assert.equal((await raw(`${berth.apiUrl}/berth/console/v1/clusters`, { method: 'GET', headers: { host: 'attacker.localhost.example' } })).status, 403);
  });
});
