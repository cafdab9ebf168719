// Users and user groups in a real browser, hydrated and without JavaScript: create a user
// from an organization's members page, disable them (their open session ends) and enable them
// again, put them in a group that holds a role, see the member drawer explain a permission
// through the group, and delete the user.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, pick, ready, signIn, submitAndWait, waitForText, waitForValue } from '../support/browser.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();

const PASSWORD = 'a long enough passphrase';

for (const mode of MODES) {
  describe(`users and groups (${mode.name})`, () => {
    test('create, disable, enable, group and delete a user', async () => {
      const { warden, browser, context, page, errors } = await signedInAdmin(running, mode);
      const tag = mode.javaScriptEnabled ? 'js' : 'nojs';
      const email = `carl-${tag}@users.example`;
      const api = apiClient(context, warden.baseUrl);
      const root = (await api('GET', '/v1/orgs/root')).body.id;
      const policy = await api('POST', `/v1/orgs/${root}/iam/policies`, { name: `Group audit ${tag}`, permissions: ['audit:read'] });
      assert.equal(policy.status, 201, JSON.stringify(policy.body));
      const role = await api('POST', `/v1/orgs/${root}/iam/roles`, { name: `Group auditor ${tag}`, policy_ids: [policy.body.policy_id] });
      assert.equal(role.status, 201, JSON.stringify(role.body));

      // Create the user from the organization's members page.
      await page.goto(`${warden.baseUrl}/orgs/${root}/members`);
      await ready(page, mode);
      await submitAndWait(page, page.getByTestId('add-user'), (url) => url.pathname === '/users' && url.searchParams.get('new') === '1');
      await ready(page, mode);
      const form = page.getByTestId('new-user-form');
      await waitForValue(form.getByTestId('new-user-org'), root);
      await form.locator('input[name="email"]').fill(email);
      await form.locator('input[name="first_name"]').fill('Carl');
      await form.locator('input[name="last_name"]').fill(tag);
      await form.locator('input[name="password"]').fill(PASSWORD);
      await submitAndWait(page, form.getByTestId('new-user-create'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(page.getByTestId('users-done'), `Created ${email} (active)`);
      const row = page.getByTestId('user-row').filter({ hasText: email });
      await waitForText(row.getByTestId('user-status'), 'active');

      // Carl signs in elsewhere; disabling him ends that session at once.
      const carlContext = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
      const carl = await carlContext.newPage();
      await signIn(carl, mode, warden.baseUrl, email, PASSWORD);
      await carl.waitForURL(`${warden.baseUrl}/`);
      await submitAndWait(page, row.getByTestId('user-toggle'), (url) => url.searchParams.get('act') === 'disable');
      await ready(page, mode);
      await waitForText(page.getByTestId('user-question'), `Disable ${email}?`);
      await submitAndWait(page, page.getByTestId('user-confirm-apply'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(page.getByTestId('users-done'), `${email} is now disabled`);
      await waitForText(row.getByTestId('user-status'), 'disabled');
      await carl.goto(`${warden.baseUrl}/account`);
      await carl.waitForURL((url) => url.pathname === '/sign-in');
      await carlContext.close();

      await submitAndWait(page, row.getByTestId('user-toggle'), (url) => url.searchParams.get('act') === 'enable');
      await ready(page, mode);
      await submitAndWait(page, page.getByTestId('user-confirm-apply'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(row.getByTestId('user-status'), 'active');

      // A group that holds the role, with Carl added by email.
      await page.goto(`${warden.baseUrl}/orgs/${root}/groups`);
      await ready(page, mode);
      await submitAndWait(page, page.getByTestId('new-group'), (url) => url.searchParams.get('edit') === 'new');
      await ready(page, mode);
      const editor = page.getByTestId('group-editor');
      await editor.locator('input[name="name"]').fill(`Auditors ${tag}`);
      const addRole = editor.getByTestId('group-add-role');
      if (mode.javaScriptEnabled) {
        // Chosen with the role picker, the role joins the list, ticked, and the field empties.
        await pick(addRole, `Group auditor ${tag}`, `Group auditor ${tag}`);
        await waitForValue(editor.getByTestId('group-role-added'), `Group auditor ${tag}`);
        assert.equal(await addRole.inputValue(), '');
      } else {
        await addRole.fill(`Group auditor ${tag}`);
      }
      if (mode.javaScriptEnabled) {
        // Someone who is not a member is refused by name, and nothing is lost.
        await editor.getByTestId('group-add-emails').fill('stranger@users.example');
        await editor.getByTestId('group-save').click();
        await page.getByTestId('form-problems').filter({ hasText: 'stranger@users.example is not a member' }).waitFor();
        assert.equal(await editor.locator('input[name="name"]').inputValue(), `Auditors ${tag}`);
      }
      await editor.getByTestId('group-add-emails').fill(email);
      // The member picker's suggestions open over the form: Escape closes them.
      if (mode.javaScriptEnabled) await editor.getByTestId('group-add-emails').press('Escape');
      await submitAndWait(page, editor.getByTestId('group-save'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(page.getByTestId('groups-done'), `Saved group "Auditors ${tag}" (1 member(s))`);
      const group = page.getByTestId('group-row').filter({ hasText: `Auditors ${tag}` });
      await waitForText(group.getByTestId('group-roles'), `Group auditor ${tag}`);
      await waitForText(group.getByTestId('group-member-count'), '1');

      // The member drawer explains Carl's permission through the group.
      await page.goto(`${warden.baseUrl}/orgs/${root}/members?q=${encodeURIComponent(email)}`);
      await ready(page, mode);
      const member = page.getByTestId('member-row').filter({ hasText: email });
      await submitAndWait(page, member.getByTestId('member-details'), (url) => url.searchParams.has('member'));
      await ready(page, mode);
      const audit = page.getByTestId('member-drawer').getByTestId('drawer-permission').filter({ hasText: 'audit:read' });
      await waitForText(audit, new RegExp(`through group "Auditors ${tag}"`));

      // Delete Carl.
      await page.goto(`${warden.baseUrl}/users?q=${encodeURIComponent(email)}`);
      await ready(page, mode);
      await submitAndWait(page, row.getByTestId('user-delete'), (url) => url.searchParams.get('act') === 'delete');
      await ready(page, mode);
      await submitAndWait(page, page.getByTestId('user-confirm-apply'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(page.getByTestId('users-done'), `Deleted ${email}`);
      await waitForText(page.getByTestId('user-total'), '0 users match');
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}
