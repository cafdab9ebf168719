// The organization tree in a real browser, hydrated and without JavaScript: create a child,
// find it by search, move it, and delete a subtree after typing its name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, collectErrors, ready, signIn, submitAndWait } from '../support/browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/server.mjs';
import { useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();

const isOrgPage = (url) => /^\/orgs\/[^/]+$/.test(url.pathname) && url.pathname !== '/orgs/root';

async function createChild(page, mode, parentPath, name, code) {
  await page.goto(`${running.warden.baseUrl}${parentPath}`);
  await ready(page, mode);
  const form = page.getByTestId('create-child-form');
  if (mode.javaScriptEnabled) {
    // Inline validation, as the admin types, with the server's own rules.
    await form.locator('input[name="contact_email"]').fill('not-an-email');
    await form.getByTestId('contact_email-error').filter({ hasText: 'Enter an email address' }).waitFor();
    await form.locator('input[name="code"]').fill('Bad Code');
    await form.getByTestId('code-error').filter({ hasText: 'lowercase letters' }).waitFor();
  }
  await form.locator('input[name="name"]').fill(name);
  await form.locator('input[name="code"]').fill(code);
  await form.locator('input[name="contact_email"]').fill('ops@example.com');
  await submitAndWait(page, form.getByRole('button', { name: 'Create organization' }), isOrgPage);
  await ready(page, mode);
  assert.equal((await page.getByTestId('org-name').textContent()).trim(), name);
  return new URL(page.url()).pathname;
}

for (const mode of MODES) {
  describe(`organizations (${mode.name})`, () => {
    test('create a child, find it, move it, delete a subtree', async () => {
      const { warden, browser } = running;
      const context = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      const errors = collectErrors(page);
      const suffix = mode.javaScriptEnabled ? 'js' : 'nojs';
      await signIn(page, mode, warden.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.waitForURL(`${warden.baseUrl}/`);

      const north = await createChild(page, mode, '/orgs/root', `Northwind ${suffix}`, `northwind-${suffix}`);
      const south = await createChild(page, mode, '/orgs/root', `Southwind ${suffix}`, `southwind-${suffix}`);

      // Find it by search: the hit shows where it sits.
      await page.goto(`${warden.baseUrl}/orgs?q=northwind-${suffix}`);
      await ready(page, mode);
      const results = page.getByTestId('org-search-results');
      await results.waitFor();
      assert.match(await results.textContent(), new RegExp(`Root / Northwind ${suffix}`));
      // ... and reveal it in the tree, expanded down to it.
      await submitAndWait(page, results.getByRole('link', { name: 'Show in tree' }).first(), (url) => url.search.includes('reveal='));
      await ready(page, mode);
      const revealed = page.getByTestId('revealed');
      await revealed.waitFor();
      assert.equal((await revealed.textContent()).trim(), `Northwind ${suffix}`);

      // Move Northwind under Southwind, picking the target by search.
      await page.goto(`${warden.baseUrl}${north}?move_q=southwind-${suffix}`);
      await ready(page, mode);
      if (mode.javaScriptEnabled) {
        await page.getByTestId('move-search').fill(`Southwind ${suffix}`);
      }
      const moveButton = page.getByRole('button', { name: `Move under Southwind ${suffix}` });
      await moveButton.waitFor();
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/move-org')).catch(() => null),
        mode.javaScriptEnabled ? Promise.resolve() : page.waitForNavigation(),
        moveButton.click(),
      ]);
      await page.goto(`${warden.baseUrl}${north}`);
      await ready(page, mode);
      assert.match(await page.getByTestId('breadcrumbs').textContent(), new RegExp(`Root / Southwind ${suffix} / Northwind ${suffix}`));

      // Delete Southwind with everything in it, after typing its name.
      await page.goto(`${warden.baseUrl}${south}`);
      await ready(page, mode);
      assert.match(await page.getByTestId('deletion-impact').textContent(), /removes 2 organization/);
      await page.fill('input[name="confirm_name"]', 'Not the name');
      await Promise.all([
        mode.javaScriptEnabled ? Promise.resolve() : page.waitForNavigation(),
        page.getByTestId('delete-org').click(),
      ]);
      await page.getByTestId('confirm_name-error').filter({ hasText: 'Type the organization' }).waitFor();
      await page.fill('input[name="confirm_name"]', `Southwind ${suffix}`);
      await submitAndWait(page, page.getByTestId('delete-org'), (url) => url.pathname !== south && url.pathname.startsWith('/orgs/'));

      const cookies = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      for (const code of [`southwind-${suffix}`, `northwind-${suffix}`]) {
        const response = await fetch(`${warden.baseUrl}/v1/orgs/${code}`, { headers: { cookie: cookies } });
        assert.equal(response.status, 404, `${code} is gone`);
      }
      if (mode.javaScriptEnabled) {
        assert.deepEqual(errors, [], 'no console errors');
      }
      await context.close();
    });

    if (mode.javaScriptEnabled) {
      test('the tree expands lazily and with the keyboard', async () => {
        const { warden, browser } = running;
        const context = await browser.newContext();
        const page = await context.newPage();
        await signIn(page, mode, warden.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
        await page.waitForURL(`${warden.baseUrl}/`);
        await createChild(page, mode, '/orgs/root', 'Keyboard Child', 'keyboard-child');
        await page.goto(`${warden.baseUrl}/orgs`);
        await ready(page, mode);
        const nodes = page.getByTestId('tree-node');
        assert.equal(await nodes.count(), 1, 'only the top is rendered at first');
        await nodes.first().focus();
        await page.keyboard.press('ArrowRight');
        await page.getByText('Keyboard Child').waitFor();
        assert.ok((await nodes.count()) > 1, 'children appear after expanding');
        await page.keyboard.press('ArrowDown');
        const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
        assert.match(focused, /\w/);
        await page.screenshot({ path: 'end2end/output/organizations.png', fullPage: true });
        await context.close();
      });
    }
  });
}
