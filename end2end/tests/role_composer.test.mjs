// The role composer in a real browser, hydrated and without JavaScript: after a save the page
// says so and holds the version just saved, so a second change from the same page is saved too
// (and is not refused as if someone else had changed the role meanwhile).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, ready, submitAndWait, waitForText, waitForValue } from '../support/browser.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();

for (const mode of MODES) {
  describe(`role composer (${mode.name})`, () => {
    test('two saves in a row from one page', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const api = apiClient(context, warden.baseUrl);
      const suffix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const root = (await api('GET', '/v1/orgs/root')).body.id;
      const policy = await api('POST', `/v1/orgs/${root}/iam/policies`, { name: `Twice ${suffix}`, permissions: ['policy:read'] });
      assert.equal(policy.status, 201, JSON.stringify(policy.body));
      const role = await api('POST', `/v1/orgs/${root}/iam/roles`, { name: `Twice ${suffix}`, policy_ids: [policy.body.policy_id] });
      assert.equal(role.status, 201, JSON.stringify(role.body));
      const stored = async () => (await api('GET', `/v1/orgs/${root}/iam/roles/${role.body.role_id}`)).body;

      await page.goto(`${warden.baseUrl}/orgs/${root}/roles/${role.body.role_id}`);
      await ready(page, mode);
      const form = page.getByTestId('role-form');
      for (const name of [`Twice ${suffix} (1)`, `Twice ${suffix} (2)`]) {
        await form.locator('input[name="name"]').fill(name);
        const before = (await stored()).version;
        await submitAndWait(page, form.getByRole('button', { name: 'Save role' }),
          (url) => url.searchParams.get('saved') === String(before + 1));
        await ready(page, mode);
        // With JavaScript the page loads the role again in place: wait for what it now shows.
        await waitForText(page.getByTestId('role-title'), name);
        await waitForValue(form.locator('input[name="version"]'), String(before + 1));
        await page.getByTestId('saved').waitFor();
        assert.equal((await stored()).name, name);
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}
