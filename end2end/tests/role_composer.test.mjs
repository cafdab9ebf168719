// The role composer in a real browser, hydrated and without JavaScript: after a save the page
// says so and holds the version just saved, so a second change from the same page is saved too
// (and is not refused as if someone else had changed the role meanwhile). The impact of the
// role as it stands comes with the page: opening it does not ask for it again, however often,
// and the server is asked only when the admin ticks other policies.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, openCountingServerCalls, ready, submitAndWait, waitForText, waitForValue } from '../support/browser.mjs';
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

    test('the impact comes with the page, and is asked again when the policies ticked change', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const api = apiClient(context, warden.baseUrl);
      const suffix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const root = (await api('GET', '/v1/orgs/root')).body.id;
      const org = await api('POST', '/v1/orgs', { name: `Impact ${suffix}`, contact_email: 'ops@example.com', parent_organization_id: root, can_have_child_organizations: false });
      assert.equal(org.status, 201, JSON.stringify(org.body));
      const orgId = org.body.id;
      const policy = await api('POST', `/v1/orgs/${orgId}/iam/policies`, { name: `Impact ${suffix}`, permissions: ['policy:read'] });
      assert.equal(policy.status, 201, JSON.stringify(policy.body));
      const role = await api('POST', `/v1/orgs/${orgId}/iam/roles`, { name: `Impact ${suffix}`, policy_ids: [policy.body.policy_id] });
      assert.equal(role.status, 201, JSON.stringify(role.body));
      const user = await api('POST', '/v1/users', { email: `impact-${suffix}@example.test`, organization_id: orgId, password: 'a long enough passphrase' });
      assert.equal(user.status, 201, JSON.stringify(user.body));
      const member = await api('POST', `/v1/orgs/${orgId}/iam/members`, { user_id: user.body.user_id, role_ids: [role.body.role_id] });
      assert.equal(member.status, 200, JSON.stringify(member.body));

      // Opened several times, since what decides whether hydration matches can vary by run.
      const address = `${warden.baseUrl}/orgs/${orgId}/roles/${role.body.role_id}`;
      for (let time = 0; time < 4; time += 1) {
        // The composer, its impact and the layout come with the page: nothing is asked again as
        // the page hydrates.
        const calls = await openCountingServerCalls(page, mode, address);
        assert.deepEqual(calls, [], 'the page data came with it');
        await waitForText(page.getByTestId('impact-roles'), /1 member\(s\) hold this role/);
      }
      if (mode.javaScriptEnabled) {
        // Unticking the role's policy: the server is asked what that would change.
        const impact = page.getByTestId('impact-preview');
        await page.getByTestId('policy-choice').uncheck();
        await impact.getByTestId('impact-shift').filter({ hasText: 'policy:read' }).filter({ hasText: '1 member(s) would lose it' }).waitFor();
        // Ticking it again: back to the impact the page came with.
        await page.getByTestId('policy-choice').check();
        await impact.getByTestId('impact-none').waitFor();
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}
