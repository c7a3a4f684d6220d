/**
 * The console's Certificates page and the HTTPS listener form in a real browser against a real
 * `berth server`: request a certificate from Berth's CA and watch it turn ISSUED live, import one that
 * expires soon and see the warning, then create a load balancer whose HTTPS listener picks the
 * certificate and a security policy. The private key never comes back to the page.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { removeDataDir, repoRoot, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { elbv2Client } from '../support/sdk-clients.js';
import { chromiumRequirement, launchChromium } from './chromium.js';
import { buildConsole } from './console-build.js';
import { freePort } from '../../src/platform/free-port.js';
import { selfSigned } from '../../src/control-plane/acm/test-certificates.test-support.js';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'console-certificates');
const DAY = 86_400_000;

describe('console: certificates and HTTPS listeners in chromium', { skip: chromiumRequirement(), timeout: 240_000 }, () => {
  let berth: BerthProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const seen: string[] = [];
  const soon = selfSigned(['soon.example.com'], { notAfter: Date.now() + 10 * DAY });
  const go = async (path: string) => {
    await page.evaluate(`history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'))`);
  };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const webRoot = await buildConsole();
    berth = await startBerthProcess({ command: 'server', env: { BERTH_WEB_ROOT: webRoot } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('response', async (r) => {
      if (r.url().includes('/berth/console/v1/')) seen.push(await r.text().catch(() => ''));
    });
  });
  after(async () => {
    await browser?.close();
    if (berth) {
      await berth.stop();
      removeDataDir(berth.dataDir);
    }
  });

  test('request a certificate: it turns ISSUED without a reload', async () => {
    await page.goto(`${berth!.apiUrl}/`);
    await page.getByRole('heading', { name: 'Load balancers' }).waitFor();
    await page.getByRole('link', { name: 'Certificates' }).click();
    await page.getByRole('link', { name: 'Import or request' }).click();
    await page.locator('input[name=domainName]').fill('app.example.com');
    await page.locator('input[name=subjectAlternativeNames]').fill('www.app.example.com');
    await page.getByRole('button', { name: 'Request certificate' }).click();
    const row = page.getByRole('table', { name: 'Certificates' }).locator('tr', { hasText: 'app.example.com' });
    await row.locator('[data-state=ISSUED]').waitFor();
    assert.match(await row.innerText(), /Berth's CA/);
    await page.screenshot({ path: join(ARTIFACTS, '01-requested.png'), fullPage: true });
  });

  test('import a certificate that expires within 30 days: the page warns', async () => {
    await go('/certificates/new');
    await page.getByRole('tab', { name: 'Import' }).click();
    await page.locator('textarea[name=certificate]').fill(soon.certificatePem);
    await page.locator('textarea[name=privateKey]').fill(soon.privateKeyPem);
    await page.getByRole('button', { name: 'Import certificate' }).click();
    await page.getByTestId('expiry-warning').waitFor();
    assert.match(await page.getByTestId('expiry-warning').innerText(), /soon\.example\.com \(\d+ days\)/);
    await page.screenshot({ path: join(ARTIFACTS, '02-expiring.png'), fullPage: true });
  });

  test('create a load balancer with an HTTPS listener: certificate picker and security policy', async () => {
    const port = await freePort();
    await go('/load-balancers/new');
    await page.locator('input[name=lbName]').fill('tls-lb');
    await page.locator('select[name=listenerProtocol]').selectOption('HTTPS');
    await page.locator('input[name=listenerPort]').fill(String(port));
    await page.locator('select[name=listenerCertificate]').selectOption({ label: 'app.example.com (EC_prime256v1)' });
    await page.locator('select[name=sslPolicy]').selectOption('ELBSecurityPolicy-TLS13-1-3-2021-06');
    await page.screenshot({ path: join(ARTIFACTS, '03-https-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create load balancer' }).click();
    await page.getByRole('heading', { name: `HTTPS:${port} (ELBSecurityPolicy-TLS13-1-3-2021-06)` }).waitFor();
    const client = elbv2Client(berth!.apiUrl);
    const lb = (await client.send(new elb.DescribeLoadBalancersCommand({ Names: ['tls-lb'] }))).LoadBalancers![0]!;
    const l = (await client.send(new elb.DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn! }))).Listeners![0]!;
    assert.deepEqual([l.Protocol, l.SslPolicy, l.Certificates?.length], ['HTTPS', 'ELBSecurityPolicy-TLS13-1-3-2021-06', 1]);
    client.destroy();
    // The certificate now shows the listener that uses it.
    await go('/certificates');
    await page.getByRole('table', { name: 'Certificates' }).locator('tr', { hasText: 'app.example.com' }).getByText('tls-lb/').waitFor();
  });

  test('no console answer carried a private key', () => {
    const keyLine = soon.privateKeyPem.split('\n')[1]!;
    assert.ok(seen.length > 5);
    for (const body of seen) {
      assert.ok(!body.includes(keyLine));
      assert.ok(!body.includes('PRIVATE KEY'));
    }
  });
});
