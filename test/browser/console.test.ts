/**
 * The seed's walk through the console in a real browser against a real `berth up` (process runtime,
 * the sample app as the container): create the target group, the load balancer with its listener, the
 * task definition with a dynamic host port and the service with its load-balancer section; watch the
 * targets turn healthy; roll out revision 2 and watch it progress, all without a reload. Screenshots
 * of each step land in test-artifacts/console/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { removeDataDir, repoRoot, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { chromiumRequirement, launchChromium } from './chromium.js';
import { buildConsole } from './console-build.js';
import { freePort } from '../../src/platform/free-port.js';
import { eventually } from '../support/eventually.js';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'console');
const SAMPLE_APP = join(repoRoot, 'examples', 'sample-app', 'server.js');
/** A small laptop's window: every page is checked to fit it. */
const VIEWPORT = { width: 1280, height: 800 };

describe('web console in chromium', { skip: chromiumRequirement(), timeout: 300_000 }, () => {
  let berth: BerthProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let shot = 0;
  let listenerPort = 0;
  const screenshot = async (name: string) => {
    await page.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
    // Every page fits a 1280 px window: nothing scrolls sideways (a table too wide scrolls in its own box).
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(width) <= VIEWPORT.width, `${name}: the page is ${String(width)} px wide in a ${VIEWPORT.width} px window`);
  };
  const go = async (path: string) => {
    // Client-side navigation through the nav and links, as a person would; never a reload.
    await page.evaluate(`history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'))`);
  };

  before(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const webRoot = await buildConsole();
    // Usage read every second, so the service's Monitoring tab has AWS/ECS minutes by the time it is opened.
    berth = await startBerthProcess({ args: ['--runtime', 'process', '--stats-interval', '1'], env: { BERTH_WEB_ROOT: webRoot }, timeoutMs: 120_000 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    if (berth) {
      // Tasks outlive Berth by design (a restart adopts them): stop the service's processes first.
      await stopAllTasks(berth.apiUrl);
      await berth.stop();
      removeDataDir(berth.dataDir);
    }
  });

  test('the console loads from berth up with no request leaving the machine', async () => {
    const outside: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.protocol.startsWith('http') && u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') outside.push(r.url());
    });
    await page.goto(`${berth!.apiUrl}/`);
    await page.getByRole('heading', { name: 'Load balancers' }).waitFor();
    await page.locator('.live.up').waitFor();
    // A marker that only survives if the page is never reloaded from here on.
    await page.evaluate('window.berthNoReload = 1');
    assert.deepEqual(outside, []);
    await screenshot('empty-console');
  });

  test('create a target group through the form', async () => {
    await page.getByRole('link', { name: 'Target groups' }).click();
    await page.getByRole('link', { name: 'Create target group' }).click();
    await page.locator('input[name=tgName]').fill('web-tg');
    await page.locator('input[name=healthPath]').fill('/health');
    await page.locator('input[name=healthInterval]').fill('5');
    await page.locator('input[name=healthyThreshold]').fill('2');
    await screenshot('target-group-form');
    await page.getByRole('button', { name: 'Create target group' }).click();
    await page.getByRole('table', { name: 'Target groups' }).getByText('web-tg', { exact: true }).waitFor();
  });

  test('a bad load balancer name comes back in words', async () => {
    await go('/load-balancers/new');
    // The scheme defaults to internal: an internet-facing one listens on 0.0.0.0.
    assert.equal(await page.locator('select[name=scheme]').inputValue(), 'internal');
    await page.locator('input[name=lbName]').fill('-bad-name-');
    await page.getByRole('button', { name: 'Create load balancer' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /name/i);
    await screenshot('load-balancer-validation-error');
  });

  test('create the load balancer with a listener forwarding to the target group', async () => {
    listenerPort = await freePort();
    await page.locator('input[name=lbName]').fill('web-lb');
    await page.locator('input[name=listenerPort]').fill(String(listenerPort));
    await page.locator('select[name=defaultTargetGroup]').selectOption({ label: 'web-tg' });
    await page.getByRole('button', { name: 'Create load balancer' }).click();
    await page.getByRole('table', { name: 'Load balancers' }).getByText('web-lb', { exact: true }).waitFor();
    await page
      .getByRole('table', { name: `Rules of HTTP:${listenerPort}` })
      .getByText('forward to web-tg')
      .waitFor();
    await screenshot('load-balancer');
  });

  test('create the task definition with host port 0 shown as dynamic', async () => {
    await page.getByRole('link', { name: 'Task definitions' }).click();
    await screenshot('task-definitions-empty');
    await page.getByRole('link', { name: 'Create new task definition' }).click();
    // The defaults come from the runtime the instances report (process here): the sample app on 8080.
    assert.match(await page.getByTestId('runtimeDefaults').innerText(), /process runtime/);
    assert.equal(await page.locator('input[name=image]').inputValue(), 'sample-app');
    assert.equal(await page.locator('input[name=entryPoint]').inputValue(), 'node examples/sample-app/server.js');
    assert.equal(await page.locator('input[name=containerPort0]').inputValue(), '8080');
    await page.locator('input[name=family]').fill('web');
    await page.locator('input[name=entryPoint]').fill(`node ${SAMPLE_APP}`);
    await page.locator('input[name=environment]').fill('APP_VERSION=v1');
    assert.equal(await page.locator('input[name=hostPort0]').inputValue(), '0');
    assert.equal(await page.getByTestId('hostPortMode0').innerText(), 'dynamic');
    await screenshot('task-definition-form');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('table', { name: 'Task definitions' }).getByText('dynamic → 8080').waitFor();
  });

  test('create the service with its load-balancer section', async () => {
    await go('/services/new?cluster=default');
    await page.locator('select[name=serviceTaskDefinition]').selectOption('web');
    await page.locator('input[name=serviceName]').fill('web');
    await page.locator('input[name=desiredCount]').fill('2');
    await page.locator('select[name=serviceTargetGroup]').selectOption({ label: 'web-tg' });
    assert.equal(await page.locator('select[name=serviceContainer]').inputValue(), 'app:8080');
    await screenshot('service-form');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.getByRole('heading', { name: 'web' }).waitFor();
    await page.getByRole('table', { name: 'Deployments' }).getByText('PRIMARY').waitFor();
    await screenshot('service-detail');
  });

  test('the list pages: clusters, services, task definitions, target groups, load balancers', async () => {
    for (const [link, table] of [
      ['Clusters', 'Clusters'],
      ['Services', 'Services'],
      ['Task definitions', 'Task definitions'],
      ['Target groups', 'Target groups'],
      ['Load balancers', 'Load balancers'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).first().click();
      await page.getByRole('table', { name: table }).locator('tbody tr').first().waitFor();
      await screenshot(`${link.toLowerCase().replaceAll(' ', '-')}-list`);
    }
  });

  test('the targets turn healthy on their dynamic host ports, live', async () => {
    await page.getByRole('link', { name: 'Target groups' }).click();
    await page.getByRole('link', { name: 'web-tg' }).click();
    const targets = page.getByRole('table', { name: 'Registered targets' });
    await targets.locator('[data-state=healthy]').nth(1).waitFor({ timeout: 120_000 });
    const ports = await targets.locator('tbody tr td:nth-child(2)').allInnerTexts();
    assert.equal(ports.length, 2);
    assert.notEqual(ports[0], ports[1], 'two tasks on one instance need two host ports');
    await screenshot('targets-healthy');
  });

  test('a deployment moves new targets to healthy and old ones to draining, with no reload', async () => {
    // Revision 2 of the task definition.
    await go('/task-definitions/new');
    await page.getByTestId('runtimeDefaults').waitFor();
    await page.locator('input[name=family]').fill('web');
    await page.locator('input[name=entryPoint]').fill(`node ${SAMPLE_APP}`);
    await page.locator('input[name=environment]').fill('APP_VERSION=v2');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('table', { name: 'Task definitions' }).getByText('web:1, web:2').or(page.getByText('web:2, web:1')).first().waitFor();

    await go('/services/default/web');
    // Preact sets an option's value as a property, not an attribute: find it by its text.
    await page.locator('select[name=deployTaskDefinition] option', { hasText: 'web:2' }).waitFor({ state: 'attached' });
    await page.locator('select[name=deployTaskDefinition]').selectOption('web:2');
    // Berth rolls two tasks out in well under a second; slow requests in flight on the old targets
    // hold them in draining (they drain until nothing is in flight), so the progress is there to see.
    const held = [0, 1].map(() =>
      fetch(`http://127.0.0.1:${listenerPort}/slow?ms=8000`).then(async (r) => ({ status: r.status, version: (await r.json()) as unknown })),
    );
    // Both are in flight on the old targets before the update (the load balancer reports once a second).
    await eventually(
      async () => {
        const body = (await page.evaluate(() => fetch('/berth/console/v1/target-groups').then((r) => r.json()))) as {
          targetGroups: { TargetGroupName?: string; targets: { inFlight: number }[] }[];
        };
        return body.targetGroups.find((g) => g.TargetGroupName === 'web-tg')?.targets.reduce((n, t) => n + t.inFlight, 0) ?? 0;
      },
      { what: 'the two slow requests are in flight on web-tg', timeoutMs: 15_000, intervalMs: 100, until: (n) => n >= 2 },
    );
    await page.getByRole('button', { name: 'Update service' }).click();
    const deployments = page.getByRole('table', { name: 'Deployments' });
    await deployments.getByText('ACTIVE', { exact: true }).waitFor({ timeout: 30_000 });
    await screenshot('deployment-in-progress');

    await go('/target-groups/web-tg');
    const targets = page.getByRole('table', { name: 'Registered targets' });
    await targets.locator('[data-state=draining]').first().waitFor({ timeout: 120_000 });
    await screenshot('targets-draining');

    await go('/services/default/web');
    // The old (ACTIVE) row shows its own earlier COMPLETED: wait for the PRIMARY row's, then for the old row to go.
    await deployments.locator('tbody tr', { hasText: 'PRIMARY' }).locator('[data-state=COMPLETED]').waitFor({ timeout: 180_000 });
    await deployments.locator('tbody tr').nth(1).waitFor({ state: 'detached', timeout: 60_000 });
    assert.equal(await deployments.locator('tbody tr').count(), 1, 'the old deployment is gone once the new one completed');
    await page.getByRole('tab', { name: 'Events' }).click();
    await page.getByRole('table', { name: 'Events' }).getByText('has reached a steady state').first().waitFor({ timeout: 60_000 });
    await screenshot('deployment-completed');

    await go('/target-groups/web-tg');
    await targets.locator('[data-state=healthy]').nth(1).waitFor({ timeout: 60_000 });
    // Traffic through the listener while the Monitoring tab is open: the charts move with no reload.
    await page.getByRole('tab', { name: 'Monitoring' }).click();
    let sending = true;
    let sent = 0;
    const traffic = (async () => {
      while (sending) {
        await Promise.all(Array.from({ length: 5 }, () => fetch(`http://127.0.0.1:${listenerPort}/`).then((r) => r.text())));
        sent += 5;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await page
        .getByText(/^[1-9]\d* req\/s$/)
        .first()
        .waitFor({ timeout: 10_000 });
      // The chart moves with no reload: its line changes with the next sample.
      const line = page.locator('figure[aria-label="Requests per second"] polyline');
      const first = await line.getAttribute('points');
      await eventually(() => line.getAttribute('points'), {
        what: 'the requests chart moves with no reload',
        timeoutMs: 10_000,
        intervalMs: 100,
        until: (points) => points !== first,
      });
    } finally {
      sending = false;
      await traffic;
    }
    assert.ok(sent > 0);
    await screenshot('target-group-monitoring');
    assert.equal(await page.evaluate('window.berthNoReload'), 1, 'the page was never reloaded');
    assert.deepEqual(
      (await Promise.all(held)).map((r) => r.status),
      [200, 200],
      'requests in flight on draining targets finish',
    );
  });

  test('container instances show used and remaining CPU and memory', async () => {
    await page.getByRole('link', { name: 'Container instances' }).click();
    const row = page.getByRole('table', { name: 'Container instances' }).locator('tbody tr').first();
    await row.locator('[data-state=ACTIVE]').waitFor();
    // The service's two tasks hold two dynamic host ports on this one instance.
    const inUse = (await row.getByTestId('ports-in-use').innerText()).split(', ').map(Number);
    assert.equal(inUse.length, 2, `two host ports in use, got ${inUse.join(', ')}`);
    assert.match(await row.innerText(), /\d+ of \d+/);
    await screenshot('container-instances');
  });

  test('the System page shows the leader, the servers, the agent and the load-balancer node with when each was last seen', async () => {
    await page.getByRole('link', { name: 'System' }).click();
    await page.getByTestId('leader').getByText('Leader:').waitFor();
    const servers = page.getByRole('table', { name: 'Servers' }).locator('tbody tr');
    assert.equal(await servers.count(), 1);
    assert.match(await servers.first().innerText(), /leader/);
    assert.match(await page.getByRole('table', { name: 'Agents' }).locator('tbody tr').first().innerText(), /connected\s+\d+ s ago/);
    // berth up's own node, heard from in memory (its heartbeats are never written to the store).
    const node = page.getByRole('table', { name: 'Load-balancer nodes' }).locator('tbody tr').first();
    await node.locator('[data-state=healthy]').waitFor();
    assert.match(await node.innerText(), /127\.0\.0\.1[\s\S]*\d+ s ago/);
    await screenshot('system');
  });

  test("a task's page shows its containers' last log lines (what berth logs reads)", async () => {
    await go('/services/default/web');
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await page.getByRole('table', { name: 'Tasks' }).locator('tbody tr a').first().click();
    await page.getByRole('region', { name: 'Logs of app' }).getByText('"msg":"listening"').first().waitFor({ timeout: 30_000 });
    await screenshot('task-logs');
  });

  test("a service's Monitoring tab charts its AWS/ECS CPU and memory utilization per minute", async () => {
    await go('/services/default/web');
    await page.getByRole('tab', { name: 'Monitoring' }).click();
    // The series are refreshed every 30 s while the tab is shown, so a first empty answer is followed by data.
    await page.getByText('CPU utilization (average)').waitFor({ timeout: 60_000 });
    await page.getByText('Memory utilization (average)').waitFor();
    await screenshot('service-monitoring');
  });
});

describe('web console sign-in under --auth sigv4', { skip: chromiumRequirement(), timeout: 120_000 }, () => {
  let berth: BerthProcess | undefined;
  let browser: Browser | undefined;

  before(async () => {
    const webRoot = await buildConsole();
    berth = await startBerthProcess({
      args: ['--runtime', 'process', '--auth', 'sigv4', '--access-key-id', 'AKIDCONSOLE'],
      env: { BERTH_WEB_ROOT: webRoot, BERTH_SECRET_ACCESS_KEY: 'console-secret' },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (berth) {
      await berth.stop();
      removeDataDir(berth.dataDir);
    }
  });

  test('the console asks for the API key, refuses a wrong one in words, and opens with the right one', async () => {
    const page = await browser!.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(15_000);
    await page.goto(`${berth!.apiUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Berth' }).waitFor();
    await page.locator('input[name=accessKeyId]').fill('AKIDCONSOLE');
    await page.locator('input[name=secretAccessKey]').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /not one this server accepts/);
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in-refused.png') });
    assert.ok(Number(await page.evaluate('document.documentElement.scrollWidth')) <= VIEWPORT.width, 'the sign-in page fits 1280 px');
    await page.locator('input[name=secretAccessKey]').fill('console-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Load balancers' }).waitFor();
    await page.locator('.live.up').waitFor();
    // Without the session cookie the console API is closed.
    const anonymous = await fetch(`${berth!.apiUrl}/berth/console/v1/load-balancers`);
    assert.equal(anonymous.status, 401);
    await anonymous.arrayBuffer();
  });
});
