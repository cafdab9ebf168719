// Roles and members in a real browser, hydrated and without JavaScript: compose a role from
// two policies, give it to two members picked with the multi-select (the confirmation states
// the count; a change still going after a second says so), and open a member's drawer to see
// each permission explained.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, pick, ready, submitAndWait, waitForChecked, waitForCount, waitForText } from '../support/browser.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();

for (const mode of MODES) {
  describe(`roles and members (${mode.name})`, () => {
    test('compose a role, give it to two members at once, and read the explanation', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const tag = mode.javaScriptEnabled ? 'js' : 'nojs';
      const api = apiClient(context, warden.baseUrl);
      const root = (await api('GET', '/v1/orgs/root')).body.id;
      for (const [name, permissions] of [[`Audit readers ${tag}`, ['audit:read']], [`Policy readers ${tag}`, ['policy:read']]]) {
        const created = await api('POST', `/v1/orgs/${root}/iam/policies`, { name, permissions });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }
      for (const first of ['Ann', 'Ben']) {
        const created = await api('POST', '/v1/users', {
          email: `${first.toLowerCase()}-${tag}@members.example`, first_name: first, last_name: tag,
          password: 'a long enough passphrase', organization_id: root,
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }

      // Compose the role from the two policies.
      await page.goto(`${warden.baseUrl}/orgs/${root}/roles/new`);
      await ready(page, mode);
      const form = page.getByTestId('role-form');
      await form.locator('input[name="name"]').fill(`Auditor ${tag}`);
      const addPolicy = page.getByTestId('add-policy');
      if (mode.javaScriptEnabled) {
        // Each policy chosen with the policy picker joins the role's, ticked.
        for (const name of [`Audit readers ${tag}`, `Policy readers ${tag}`]) {
          await pick(addPolicy, name, name);
          await waitForChecked(page.getByTestId('policy-picker').getByLabel(new RegExp(name)));
        }
        // The matrix follows the picks, and a cell names the policy behind it.
        await waitForChecked(page.getByTestId('matrix-row-audit').getByRole('checkbox', { name: /read on .*from Audit readers js/ }));
        await page.getByTestId('sso-groups').fill('auditors, compliance');
        await page.getByTestId('sso-chip').filter({ hasText: 'compliance' }).waitFor();
      } else {
        // Without JavaScript the picker's field takes one policy's name per save.
        await addPolicy.fill(`Audit readers ${tag}`);
        await page.getByTestId('sso-groups').fill('auditors, compliance');
        await submitAndWait(page, form.getByRole('button', { name: 'Create role' }), (url) => url.searchParams.get('saved') === '1');
        await ready(page, mode);
        await waitForChecked(page.getByTestId('policy-picker').getByLabel(new RegExp(`Audit readers ${tag}`)));
        await page.getByTestId('add-policy').fill(`Policy readers ${tag}`);
        await Promise.all([page.waitForNavigation(), page.getByTestId('role-form').getByRole('button', { name: 'Save role' }).click()]);
      }
      if (mode.javaScriptEnabled) {
        await submitAndWait(page, form.getByRole('button', { name: 'Create role' }), (url) => url.searchParams.get('saved') === '1');
      }
      await ready(page, mode);
      await page.getByTestId('saved').waitFor();
      await waitForCount(page.getByTestId('sso-chip'), 2);
      await waitForChecked(page.getByTestId('matrix-row-policy').getByRole('checkbox', { name: /^Allow read on .*from Policy readers/ }));

      // Tick both members and add the role to them, after a confirmation that counts them.
      await page.goto(`${warden.baseUrl}/orgs/${root}/members?q=-${tag}%40members.example`);
      await ready(page, mode);
      await waitForText(page.getByTestId('member-total'), /^2 members match/);
      const bulk = page.getByTestId('member-bulk-form');
      const selects = page.getByTestId('member-select');
      await waitForCount(selects, 2);
      if (mode.javaScriptEnabled) {
        await page.getByTestId('select-page').check();
        for (const row of await selects.all()) await waitForChecked(row);
      } else {
        for (const row of await selects.all()) await row.check();
      }
      await bulk.getByTestId('bulk-change').selectOption('add');
      // The role by its name (the picker's value), typed in full.
      await bulk.getByTestId('bulk-role').fill(`Auditor ${tag}`);
      await submitAndWait(page, bulk.getByTestId('bulk-review'), (url) => url.searchParams.get('bulk') === 'add');
      await ready(page, mode);
      await waitForText(page.getByTestId('bulk-question'), `Add role "Auditor ${tag}" to 2 members?`);
      if (mode.javaScriptEnabled) {
        // A change that takes more than a second says that it is still going, and for how many.
        let release;
        const held = new Promise((resolve) => { release = resolve; });
        await page.route('**/api/bulk-member-roles', async (route) => { await held; await route.continue(); });
        await page.getByTestId('bulk-apply').click();
        await waitForText(page.getByTestId('bulk-progress'), /Changing the role for 2 members… \d+ s/);
        await Promise.all([page.waitForURL((url) => url.searchParams.has('done'), { timeout: 15000 }), release()]);
        await page.unroute('**/api/bulk-member-roles');
      } else {
        await submitAndWait(page, page.getByTestId('bulk-apply'), (url) => url.searchParams.has('done'));
      }
      await ready(page, mode);
      await waitForText(page.getByTestId('members-done'), new RegExp(`Added role Auditor ${tag} for 2 of 2`));
      // The list is read again after the change: every row of it comes to show the role.
      const roles = page.getByTestId('member-roles');
      await waitForCount(roles, 2);
      for (const row of await roles.all()) await waitForText(row, new RegExp(`Auditor ${tag}`));

      // The drawer explains each permission: role, policy, statement.
      const ann = page.getByTestId('member-row').filter({ hasText: `ann-${tag}@members.example` });
      await submitAndWait(page, ann.getByTestId('member-details'), (url) => url.searchParams.has('member'));
      await ready(page, mode);
      const drawer = page.getByTestId('member-drawer');
      const audit = drawer.getByTestId('drawer-permission').filter({ hasText: 'audit:read' });
      await waitForText(audit, new RegExp(`role "Auditor ${tag}".*policy "Audit readers ${tag}", statement 1`));
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}
