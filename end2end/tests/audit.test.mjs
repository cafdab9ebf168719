// The audit log in a real browser, hydrated and without JavaScript: an organization's page links
// to its log; a role edited through the API shows up first, filtered by action, and opens to the
// fields it changed, before and after, with the policies taken away and added by name; the role's
// History link leads to its own events, and an older version is restored from there. An export
// downloads the matching events, and with JavaScript says how many have arrived.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, pick, ready, submitAndWait, waitForText, waitUntil } from '../support/browser.mjs';
import { ADMIN_EMAIL } from '../support/server.mjs';
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
      const policy = async (name, permission) => {
        const made = await api('POST', `/v1/orgs/${orgId}/iam/policies`, { name, permissions: [permission] });
        assert.equal(made.status, 201, JSON.stringify(made.body));
        return made.body.policy_id;
      };
      const reading = await policy('Reading', 'policy:read');
      const writing = await policy('Writing', 'policy:update');
      const role = await api('POST', `/v1/orgs/${orgId}/iam/roles`, { name: 'Auditors', policy_ids: [reading] });
      assert.equal(role.status, 201, JSON.stringify(role.body));
      // Edit the role in its composer: renamed, Reading taken away, Writing added by its picker.
      // What saving would change comes with the page. (Whether the page asks anything again as
      // it hydrates is not asserted: now and then it asks the layout's current user and
      // organizations again, a hydration mismatch still open; see the session note.)
      await page.goto(`${warden.baseUrl}/orgs/${orgId}/roles/${role.body.role_id}`);
      await ready(page, mode);
      await waitForText(page.getByTestId('impact-roles'), /0 member\(s\) hold this role/);
      const roleForm = page.getByTestId('role-form');
      await roleForm.locator('input[name="name"]').fill('Auditors (renamed)');
      const chosen = page.getByTestId('policy-picker');
      await chosen.getByLabel(/Reading/).uncheck();
      if (mode.javaScriptEnabled) {
        await pick(page.getByTestId('add-policy'), 'Writ', 'Writing');
        await waitUntil('Writing ticked', () => chosen.getByLabel(/Writing/).isChecked(), (checked) => checked);
      } else {
        await page.getByTestId('add-policy').fill('Writing');
      }
      await submitAndWait(page, roleForm.getByRole('button', { name: 'Save role' }), (url) => url.searchParams.has('saved'));
      await ready(page, mode);
      const edited = await api('GET', `/v1/orgs/${orgId}/iam/roles/${role.body.role_id}`);
      assert.deepEqual([edited.body.name, edited.body.policy_ids], ['Auditors (renamed)', [writing]]);

      // From the organization's page to its log.
      await page.goto(`${warden.baseUrl}/orgs/${orgId}`);
      await ready(page, mode);
      await submitAndWait(page, page.getByTestId('org-audit-link'), (url) => url.pathname.endsWith('/audit'));
      await ready(page, mode);
      const events = page.getByTestId('audit-event');
      await waitForText(events.first(), /role\.updated/);

      // Filtered by a family of actions and by who did it (a person picked by name or email, the
      // address typed without JavaScript), through the form (a GET: the filter is in the URL).
      await page.locator('#audit-action').fill('policy.*');
      const actor = page.getByTestId('audit-actor');
      if (mode.javaScriptEnabled) {
        await pick(actor, ADMIN_EMAIL.slice(0, 5), ADMIN_EMAIL);
        await waitUntil('the actor chosen', () => actor.inputValue(), (value) => value === ADMIN_EMAIL);
      } else {
        await actor.fill(ADMIN_EMAIL);
      }
      await submitAndWait(page, page.getByTestId('audit-filters').locator('button[type="submit"]'),
        (url) => url.searchParams.get('action') === 'policy.*' && url.searchParams.get('actor') === ADMIN_EMAIL);
      await ready(page, mode);
      await waitForText(events.first(), /policy\.created/);
      assert.deepEqual(
        await events.evaluateAll((items) => [...new Set(items.map((item) => item.dataset.action))]),
        ['policy.created'],
      );
      // Someone else, picked the same way, did none of it.
      const bystander = `bystander-${suffix}@audit.example`;
      const made = await api('POST', '/v1/users', {
        email: bystander, first_name: 'Bystander', last_name: suffix, password: 'a long enough passphrase', organization_id: orgId,
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const other = page.getByTestId('audit-actor');
      if (mode.javaScriptEnabled) {
        await other.fill('');
        await pick(other, `bystander-${suffix}`, bystander);
        await waitUntil('the other actor chosen', () => other.inputValue(), (value) => value === bystander);
      } else {
        await other.fill(bystander);
      }
      await submitAndWait(page, page.getByTestId('audit-filters').locator('button[type="submit"]'),
        (url) => url.searchParams.get('actor') === bystander);
      await ready(page, mode);
      await page.getByTestId('audit-empty').waitFor();

      // The role's edit opens to its changes: the name, and the policy taken away and the one
      // added, by name.
      await page.goto(`${warden.baseUrl}/orgs/${orgId}/audit?action=role.updated`);
      await ready(page, mode);
      const updated = events.first();
      await updated.locator('summary').click();
      const changes = updated.getByTestId('audit-changes');
      await waitForText(changes, /Auditors \(renamed\)/);
      const policies = changes.locator('tr', { has: page.locator('th', { hasText: /^policies$/ }) });
      assert.match(await policies.locator('td').nth(0).innerText(), /"Reading"/);
      assert.match(await policies.locator('td').nth(1).innerText(), /"Writing"/);
      assert.match(await changes.innerText(), /"Auditors"/);

      // The role's page links to its history: its own events, and no one else's.
      await page.goto(`${warden.baseUrl}/orgs/${orgId}/roles/${role.body.role_id}`);
      await ready(page, mode);
      await submitAndWait(page, page.getByTestId('history-link'), (url) => url.searchParams.get('target_id') === role.body.role_id);
      await ready(page, mode);
      await waitForText(events.first(), /role\.updated/);
      assert.deepEqual(await events.evaluateAll((items) => items.map((item) => item.dataset.action)), ['role.updated', 'role.created']);
      // History is the role's second tab: the current one here, beside Details, which leads back.
      const tabs = page.getByTestId('object-tabs');
      assert.equal(await tabs.getByTestId('history-link').getAttribute('aria-current'), 'page');
      assert.equal(await tabs.getByTestId('details-link').getAttribute('href'), `/orgs/${orgId}/roles/${role.body.role_id}`);
      // The filters say what it is narrowed to: the target type is chosen from the kinds there are.
      assert.equal(await page.getByTestId('audit-target-type').inputValue(), 'role');
      // There too, the edit names the policy taken away and the one added.
      const edit = events.first();
      await edit.locator('summary').click();
      const editChanges = edit.getByTestId('audit-changes');
      const editPolicies = editChanges.locator('tr', { has: page.locator('th', { hasText: /^policies$/ }) });
      await waitForText(editPolicies.locator('td').nth(0), /"Reading"/);
      assert.match(await editPolicies.locator('td').nth(1).innerText(), /"Writing"/);

      // Restore the version the role was created as: the composer opens filled with it, and
      // saving it is audited as a restore.
      const created = events.nth(1);
      await created.locator('summary').click();
      await submitAndWait(page, created.getByTestId('audit-restore'), (url) => url.searchParams.has('restore'));
      await ready(page, mode);
      await waitForText(page.getByTestId('restoring'), /Review it, then save to restore it/);
      await submitAndWait(page, page.getByTestId('role-form').getByRole('button', { name: 'Save role' }),
        (url) => url.searchParams.has('saved'));
      await ready(page, mode);
      await page.getByTestId('saved').waitFor();
      const restored = await api('GET', `/v1/orgs/${orgId}/iam/roles/${role.body.role_id}`);
      assert.deepEqual([restored.body.name, restored.body.policy_ids], ['Auditors', [reading]]);
      const history = await api('GET', `/v1/orgs/${orgId}/iam/roles/${role.body.role_id}/history`);
      assert.equal(history.body.events[0].action, 'role.restored');
      assert.deepEqual(errors, []);
      await context.close();
    });

    test('an export downloads every matching event, and shows its progress with JavaScript', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const api = apiClient(context, warden.baseUrl);
      const root = (await api('GET', '/v1/orgs/root')).body.id;
      const org = await api('POST', '/v1/orgs', {
        name: `Exported ${mode.javaScriptEnabled ? 'js' : 'nojs'}`, contact_email: 'ops@example.com',
        parent_organization_id: root, can_have_child_organizations: true,
      });
      assert.equal(org.status, 201, JSON.stringify(org.body));
      for (const name of ['One', 'Two', 'Three']) {
        const made = await api('POST', `/v1/orgs/${org.body.id}/iam/policies`, { name, permissions: ['policy:read'] });
        assert.equal(made.status, 201, JSON.stringify(made.body));
      }
      await page.goto(`${warden.baseUrl}/orgs/${org.body.id}/audit?action=policy.created`);
      await ready(page, mode);
      if (mode.javaScriptEnabled) {
        // Every chunk that arrives joins the Blob at once (4 MB at a time otherwise): the file
        // must still hold every event, in order.
        await page.getByTestId('export-csv').evaluate((link) => link.setAttribute('data-blob-every', '1'));
      }
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
      assert.equal(download.suggestedFilename(), `audit-${org.body.id}.csv`);
      const file = await download.path();
      const { readFile } = await import('node:fs/promises');
      const rows = (await readFile(file, 'utf8')).split('\r\n').filter((row) => row.length > 0);
      assert.equal(rows.length, 4, 'a header and the three policies');
      assert.ok(rows.slice(1).every((row) => row.includes('policy.created')));
      assert.deepEqual(rows.slice(1).map((row) => ['One', 'Two', 'Three'].find((name) => row.includes(`,${name},`))),
        ['Three', 'Two', 'One'], 'newest first, nothing lost or doubled');
      if (mode.javaScriptEnabled) {
        await waitForText(page.getByTestId('export-csv-progress'), /Done: 3 events\./);
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}
