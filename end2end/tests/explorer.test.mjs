// The access explorer in a real browser, hydrated and without JavaScript: a question denied
// by an access flag names the organization and the flag, and says what would change it; the
// user and the organization are picked by typing part of their names (with the keyboard, or
// without JavaScript from links to what was meant).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, collectErrors, ready, signIn, submitAndWait, waitForText, waitForValue } from '../support/browser.mjs';
import { ADMIN_EMAIL } from '../support/server.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();

for (const mode of MODES) {
  describe(`access explorer (${mode.name})`, () => {
    test('a denial by a flag names the flag and the fix', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const suffix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const request = (method, path, data) => context.request.fetch(`${warden.baseUrl}${path}`, {
        method, data, headers: { origin: warden.baseUrl },
      });
      const me = await (await request('GET', '/v1/me')).json();
      // The admin is Super Admin of the root; "Closed" keeps its parent out and makes them its Admin.
      const created = await request('POST', '/v1/orgs', {
        name: `Closed ${suffix}`, code: `closed-${suffix}`, contact_email: 'ops@example.com',
        parent_organization_id: 'root', can_have_child_organizations: true,
        parent_has_access: false, first_admin_user_id: me.user_id,
      });
      assert.equal(created.status(), 201, await created.text());

      await page.goto(`${warden.baseUrl}/explorer`);
      await ready(page, mode);
      const form = page.getByTestId('explorer-form');
      await form.locator('input[name="user"]').fill(ADMIN_EMAIL);
      await form.locator('input[name="org"]').fill(`closed-${suffix}`);
      await form.locator('input[name="permission"]').fill('project:read');
      await submitAndWait(page, form.getByRole('button', { name: 'Ask' }), (url) => url.searchParams.get('permission') === 'project:read');
      await ready(page, mode);

      await page.getByTestId('explorer-verdict').filter({ hasText: 'Denied' }).waitFor();
      const blocked = page.getByTestId('chain-blocked');
      await waitForText(blocked, /parent_has_access is off/);
      await waitForText(page.getByTestId('chain-step').filter({ has: blocked }), new RegExp(`Closed ${suffix}`));
      await waitForText(page.getByTestId('explorer-fix'), /Super Admin.*parent_has_access turned off/);

      // And the same question one level up is allowed, by the Super Admin role held there.
      await page.goto(`${warden.baseUrl}/explorer?user=${encodeURIComponent(ADMIN_EMAIL)}&org=root&permission=project:read`);
      await ready(page, mode);
      await page.getByTestId('explorer-verdict').filter({ hasText: 'Allowed' }).waitFor();
      await waitForText(page.getByTestId('explorer-summary'), /Super Admin/);

      // Where the admin holds anything: the root (as Super Admin), and the closed organization
      // (as its own Admin, although the root's role does not reach it).
      const where = page.getByTestId('where-form');
      await where.locator('input[name="where_user"]').fill(ADMIN_EMAIL);
      await submitAndWait(page, where.getByRole('button', { name: 'Show' }), (url) => url.searchParams.has('where_user'));
      await ready(page, mode);
      await waitForText(page.getByTestId('where-org').filter({ hasText: 'Root' }), /org:delete/);
      await waitForText(page.getByTestId('where-org').filter({ hasText: `Closed ${suffix}` }), /member:assign/);
      assert.deepEqual(errors, []);
      await context.close();
    });

    test('pick the user and the organization by typing part of their names', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const suffix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const api = apiClient(context, warden.baseUrl);
      const org = await api('POST', '/v1/orgs', {
        name: `Picked Harbour ${suffix}`, contact_email: 'ops@example.com', parent_organization_id: 'root',
        can_have_child_organizations: false,
      });
      assert.equal(org.status, 201, JSON.stringify(org.body));
      const email = `quentin-${suffix}@picker.example`;
      const user = await api('POST', '/v1/users', { email, first_name: 'Quentin', last_name: `Picked ${suffix}`, organization_id: org.body.id });
      assert.equal(user.status, 201, JSON.stringify(user.body));

      await page.goto(`${warden.baseUrl}/explorer`);
      await ready(page, mode);
      const form = page.getByTestId('explorer-form');
      const userField = page.getByTestId('explorer-user');
      const orgField = page.getByTestId('explorer-org');
      if (mode.javaScriptEnabled) {
        // Keyboard only: type, arrow down to the match, Enter to choose it; Escape closes.
        await userField.pressSequentially(`quentin-${suffix}`);
        const choices = form.getByTestId('pick-choice');
        await waitForText(choices.filter({ hasText: 'Quentin' }), new RegExp(email));
        assert.equal(await userField.getAttribute('aria-expanded'), 'true');
        await userField.press('ArrowDown');
        assert.equal(await userField.getAttribute('aria-activedescendant'), 'pick-user-choices-0');
        await userField.press('Enter');
        await waitForValue(userField, email);
        assert.equal(await userField.getAttribute('aria-expanded'), 'false');
        await orgField.pressSequentially(`harbour ${suffix}`);
        await waitForText(form.getByTestId('pick-choice'), new RegExp(`Picked Harbour ${suffix}.*Root`));
        await orgField.press('Escape');
        assert.equal(await orgField.getAttribute('aria-expanded'), 'false');
        await orgField.press('ArrowDown');
        await orgField.press('Enter');
        await waitForValue(orgField, org.body.id);
        // The id alone says little: what was chosen is named under the field.
        await waitForText(form.getByTestId('pick-chosen').filter({ hasText: 'Harbour' }), new RegExp(`Picked Harbour ${suffix} · Root`));
      } else {
        // Without JavaScript the fields take what is typed; the page offers the matches as links.
        await userField.fill(`Quentin Picked ${suffix}`);
        await orgField.fill(org.body.id);
      }
      await form.locator('input[name="permission"]').fill('org:read');
      await submitAndWait(page, form.getByRole('button', { name: 'Ask' }), (url) => url.searchParams.get('permission') === 'org:read');
      await ready(page, mode);
      if (!mode.javaScriptEnabled) {
        const links = page.getByTestId('pick-links-user');
        await waitForText(links, /Did you mean/);
        await submitAndWait(page, links.getByRole('link', { name: 'Quentin' }), (url) => url.searchParams.get('user') === email);
        await ready(page, mode);
      }
      await page.getByTestId('explorer-verdict').waitFor();
      await waitForValue(userField, email);
      assert.deepEqual(errors, []);
      await context.close();
    });

    test('who can: users from an organization the asker cannot read are summarised', async () => {
      const { warden, browser } = running;
      const suffix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const { context: adminContext } = await signedInAdmin(running, mode);
      const api = apiClient(adminContext, warden.baseUrl);
      const leaf = await api('POST', '/v1/orgs', {
        name: `Leaf ${suffix}`, code: `leaf-${suffix}`, contact_email: 'ops@example.com',
        parent_organization_id: 'root', can_have_child_organizations: false,
      });
      assert.equal(leaf.status, 201, JSON.stringify(leaf.body));
      const email = `leaf-admin-${suffix}@example.com`;
      const user = await api('POST', '/v1/users', { email, organization_id: leaf.body.id, password: 'a long enough passphrase' });
      assert.equal(user.status, 201, JSON.stringify(user.body));
      const admin = (await api('GET', `/v1/orgs/${leaf.body.id}/iam/roles`)).body.roles.find((r) => r.name === 'Admin');
      const given = await api('POST', `/v1/orgs/${leaf.body.id}/iam/members`, { user_id: user.body.user_id, role_ids: [admin.role_id] });
      assert.equal(given.status, 200, JSON.stringify(given.body));
      await adminContext.close();

      const context = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      const errors = collectErrors(page);
      await signIn(page, mode, warden.baseUrl, email, 'a long enough passphrase');
      await page.waitForURL(`${warden.baseUrl}/`);
      await page.goto(`${warden.baseUrl}/explorer?who_org=leaf-${suffix}&who_permission=org:read`);
      await ready(page, mode);
      const list = page.getByTestId('who-can-list');
      await waitForText(list, new RegExp(email));
      const hidden = page.getByTestId('who-can-hidden');
      await hidden.filter({ hasText: '1 user(s) through an organization you cannot read' }).waitFor();
      assert.doesNotMatch(await list.textContent(), new RegExp(ADMIN_EMAIL), 'the root admin is not named');
      if (mode.javaScriptEnabled) {
        assert.deepEqual(errors, [], 'no console errors');
      }
      await context.close();
    });
  });
}
