import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser } from '../helpers/browser';
import { registerSecret } from '../helpers/leak-check';
import {
  SANDBOX_JWT_SECRET,
  type SandboxServer,
  startSandboxServer,
} from '../helpers/sandbox-server';
import { startReceiver, type TestReceiver } from '../helpers/webhook-receiver';

// The admin console's Webhook page in a real browser against the sandbox server: an admin creates an
// endpoint for a receiver on loopback (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true), sees its secret once,
// sends a test event that the receiver verifies, and sees the delivery with "resend".

jest.setTimeout(60_000);

let server: SandboxServer;
let admin: { context: BrowserContext; page: Page };
let receiver: TestReceiver;

beforeAll(async () => {
  registerSecret(SANDBOX_JWT_SECRET);
  receiver = await startReceiver();
  server = await startSandboxServer({
    env: { ADMIN_USERIDS: 'lisi', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
  });
  admin = await openBrowser(server.url);
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

test('an admin creates an endpoint, copies its secret once and sends a test event', async () => {
  const { page } = admin;
  await page.goto(`${server.url}/admin/`);
  await page.waitForURL(/\/wwlogin\/sso\/login\?/);
  await page.click('[data-userid="lisi"]');
  await page.waitForURL(`${server.url}/admin/`);
  await page.click('[data-tab="webhooks"]');
  await page.locator('[data-empty]').first().waitFor();

  await page.fill('[data-form="new-endpoint"] input[name="url"]', receiver.url);
  await page.click('[data-action="create"]');
  const secret = await page.locator('[data-secret-value]').textContent();
  expect(secret).toMatch(/^whsec_/);
  receiver.secret = secret!;
  await page.click('[data-secret] button');
  await expect(page.locator('[data-secret]').count()).resolves.toBe(0);
  // The secret is on no other answer: the list does not carry it.
  const listed = await page.evaluate(async () => (await fetch('../api/admin/webhooks')).text());
  expect(listed).not.toContain(secret);

  await page.click('[data-action="test"]');
  await page.locator('[data-delivery][data-ok="true"]').waitFor();
  expect(receiver.received.map((m) => m.type)).toEqual(['ping']);
  expect(receiver.rejected).toBe(0);
  await expect(page.locator('[data-state]').textContent()).resolves.toBe('已启用');

  await page.click('[data-action="toggle"]');
  await page.waitForFunction(
    () => document.querySelector('[data-state]')?.textContent === '已停用',
  );
});
