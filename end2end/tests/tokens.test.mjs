// API tokens in a real browser, hydrated and without JavaScript: make a token on "My API
// tokens", read its secret from the page (shown once), call /v1/me with it as a program would,
// revoke it from the page after the confirmation, and see the same call refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, pick, ready, submitAndWait, waitForText, waitUntil } from '../support/browser.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';
import { ADMIN_EMAIL } from '../support/server.mjs';

const running = useWardenAndBrowser();

// `/v1/me` as a program: the token alone, no cookie.
async function me(baseUrl, secret) {
  const response = await fetch(`${baseUrl}/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
  return { status: response.status, body: await response.json() };
}

for (const mode of MODES) {
  describe(`API tokens (${mode.name})`, () => {
    test('create a token, use it, revoke it, and it stops working', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const rootName = (await apiClient(context, warden.baseUrl)('GET', '/v1/orgs/root')).body.name;
      const name = `CI deploy ${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      await page.goto(`${warden.baseUrl}/tokens`);
      await ready(page, mode);

      const form = page.getByTestId('create-token-form');
      await form.locator('input[name="name"]').fill(name);
      await form.getByTestId('token-expiry').selectOption('30');
      // Restricted to one permission, chosen with the permission picker (typed without JavaScript).
      await form.locator('summary').click();
      const permissions = form.getByTestId('token-permissions');
      if (mode.javaScriptEnabled) {
        await pick(permissions, 'member:rea', /./);
        await waitUntil('the permission chosen', () => permissions.inputValue(), (v) => v === 'member:read, ');
      } else {
        await permissions.fill('member:read');
      }
      // And to an organization, picked by name (its code typed without JavaScript).
      const org = form.getByTestId('token-org');
      if (mode.javaScriptEnabled) {
        await pick(org, rootName.slice(0, 4), rootName);
      } else {
        await org.fill('root');
      }
      await Promise.all([
        mode.javaScriptEnabled ? Promise.resolve() : page.waitForNavigation(),
        form.locator('button[type="submit"]').click(),
      ]);
      await ready(page, mode);

      // The secret, shown once, with the warning.
      const shown = page.getByTestId('new-token-secret');
      const secret = await waitUntil('the new token on the page', () => shown.inputValue().catch(() => ''), (v) => v.startsWith('wdn_'));
      await waitForText(page.getByTestId('new-token'), /only time Warden shows it/);
      const row = page.getByTestId('token-row').filter({ hasText: name });
      await waitForText(row.getByTestId('token-status'), 'active');
      await waitForText(row.getByTestId('token-restriction'), new RegExp(`^member:read; only in ${rootName} and below$`));
      assert.ok(secret.startsWith(await row.locator('.font-mono').first().innerText().then((t) => t.replace('…', ''))));

      const answer = await me(warden.baseUrl, secret);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.email, ADMIN_EMAIL);

      // Shown once: coming back to the page does not show it again.
      await page.goto(`${warden.baseUrl}/tokens`);
      await ready(page, mode);
      await waitForText(page.getByTestId('token-row').filter({ hasText: name }).getByTestId('token-status'), 'active');
      assert.equal(await page.getByTestId('new-token').count(), 0, 'the secret is not shown again');
      assert.ok(!(await page.content()).includes(secret), 'the secret is nowhere in the page');

      // Revoke after the confirmation.
      const again = page.getByTestId('token-row').filter({ hasText: name });
      await submitAndWait(page, again.getByTestId('token-revoke'), (url) => url.searchParams.has('revoke'));
      await ready(page, mode);
      await waitForText(page.getByTestId('token-confirm'), new RegExp(`Revoke token "${name}"`));
      const apply = page.getByTestId('token-revoke-apply');
      if (mode.javaScriptEnabled) {
        // While the revoke is on its way the button is busy and cannot be pressed again.
        let release;
        const held = new Promise((resolve) => { release = resolve; });
        await page.route('**/api/revoke-my-token', async (route) => { await held; await route.continue(); });
        await apply.click();
        await waitUntil('the revoke button to be busy', async () => ({
          busy: await apply.getAttribute('aria-busy'), disabled: await apply.isDisabled(),
        }), (state) => state.busy === 'true' && state.disabled);
        await Promise.all([page.waitForURL((url) => url.searchParams.has('done'), { timeout: 15000 }), release()]);
        await page.unroute('**/api/revoke-my-token');
      } else {
        await submitAndWait(page, apply, (url) => url.searchParams.has('done'));
      }
      await ready(page, mode);
      await waitForText(page.getByTestId('tokens-done'), new RegExp(`Revoked "${name}"`));
      // Keyboard and screen reader users land on the result of their change.
      await waitUntil('the focus on the done banner', () => page.evaluate(() => document.activeElement?.dataset.testid ?? null),
        (focused) => focused === 'tokens-done');
      await waitForText(page.getByTestId('token-row').filter({ hasText: name }).getByTestId('token-status'), 'revoked');

      const refused = await me(warden.baseUrl, secret);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'AUTHENTICATION_FAILED');
      assert.deepEqual(errors, []);
      await page.context().close();
    });
  });
}
