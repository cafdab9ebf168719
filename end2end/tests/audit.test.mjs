// The audit log in a real browser, hydrated and without JavaScript: an organization's page links
// to its log; a role edited through the API shows up first, filtered by action, and opens to the
// field it changed, before and after.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, ready, submitAndWait, waitForText } from '../support/browser.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();

for (const mode of MODES) {
  describe(`audit log (${mode.name})`, () => {
    test('a role edit is listed, filtered by action, and opens to what it changed', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const api = apiClient(context, warden.baseUrl);
      const suffix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const root = (await api('GET', '/v1/orgs/root')).body.id;
      const org = await api('POST', '/v1/orgs', {
        name: `Audited ${suffix}`, contact_email: 'ops@example.com', parent_organization_id: root, can_have_child_organizations: true,
      });
      assert.equal(org.status, 201, JSON.stringify(org.body));
      const orgId = org.body.id;
      const policy = await api('POST', `/v1/orgs/${orgId}/iam/policies`, { name: 'Reading', permissions: ['policy:read'] });
      assert.equal(policy.status, 201, JSON.stringify(policy.body));
      const role = await api('POST', `/v1/orgs/${orgId}/iam/roles`, { name: 'Auditors', policy_ids: [] });
      assert.equal(role.status, 201, JSON.stringify(role.body));
      const edit = await api('PATCH', `/v1/orgs/${orgId}/iam/roles/${role.body.role_id}`, { name: 'Auditors (renamed)' });
      assert.equal(edit.status, 200, JSON.stringify(edit.body));

      // From the organization's page to its log.
      await page.goto(`${warden.baseUrl}/orgs/${orgId}`);
      await ready(page, mode);
      await submitAndWait(page, page.getByTestId('org-audit-link'), (url) => url.pathname.endsWith('/audit'));
      await ready(page, mode);
      const events = page.getByTestId('audit-event');
      await waitForText(events.first(), /role\.updated/);

      // Filtered by a family of actions, through the form (a GET: the filter is in the URL).
      await page.locator('#audit-action').fill('policy.*');
      await submitAndWait(page, page.getByTestId('audit-filters').locator('button[type="submit"]'),
        (url) => url.searchParams.get('action') === 'policy.*');
      await ready(page, mode);
      await waitForText(events.first(), /policy\.created/);
      assert.deepEqual(
        await events.evaluateAll((items) => [...new Set(items.map((item) => item.dataset.action))]),
        ['policy.created'],
      );

      // The role's edit opens to its change: the name, before and after.
      await page.goto(`${warden.baseUrl}/orgs/${orgId}/audit?action=role.updated`);
      await ready(page, mode);
      const updated = events.first();
      await updated.locator('summary').click();
      const changes = updated.getByTestId('audit-changes');
      await waitForText(changes, /Auditors \(renamed\)/);
      await waitForText(changes, /name/);
      assert.match(await changes.innerText(), /"Auditors"/);
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}
