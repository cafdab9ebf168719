// Pickers beyond the explorer, hydrated and without JavaScript: the member list's role filter,
// the assign dialog's "add a role", a group's new members and roles, the move dialog's new
// parent and a new organization's first admin. Hydrated, each is chosen by typing part of a name and the
// keyboard; without JavaScript the field takes what is typed, and a name that is not exact is
// answered with links to what it could mean (or, in a form, an error with the typing kept).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { MODES, ready, submitAndWait, waitForCount, waitForText, waitForValue, waitUntil } from '../support/browser.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();

// Chooses the first suggestion for `typed` in a hydrated picker with the keyboard.
async function pickFirst(field, typed) {
  await field.pressSequentially(typed);
  const list = field.page().locator(`#${await field.getAttribute('aria-controls')}`);
  await list.getByTestId('pick-choice').first().waitFor();
  await field.press('ArrowDown');
  await field.press('Enter');
}

for (const mode of MODES) {
  const tag = mode.javaScriptEnabled ? 'js' : 'nojs';
  describe(`pickers (${mode.name})`, () => {
    // Quay, with a role that Una holds and Vic does not; Pier elsewhere, Dock below Quay.
    const world = {};
    before(async () => {
      const { warden, context } = await signedInAdmin(running, mode);
      const api = apiClient(context, warden.baseUrl);
      const org = async (name, parent) => {
        const created = await api('POST', '/v1/orgs', {
          name, code: name.toLowerCase().replace(' ', '-'), contact_email: 'ops@example.com',
          parent_organization_id: parent, can_have_child_organizations: true,
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        return created.body.id;
      };
      world.quay = await org(`Quay ${tag}`, 'root');
      world.dock = await org(`Dock ${tag}`, world.quay);
      world.pier = await org(`Pier ${tag}`, 'root');
      const policy = await api('POST', `/v1/orgs/${world.quay}/iam/policies`, { name: `Quay readers ${tag}`, permissions: ['audit:read'] });
      assert.equal(policy.status, 201, JSON.stringify(policy.body));
      world.role = `Quay auditor ${tag}`;
      const role = await api('POST', `/v1/orgs/${world.quay}/iam/roles`, { name: world.role, policy_ids: [policy.body.policy_id] });
      assert.equal(role.status, 201, JSON.stringify(role.body));
      for (const first of ['Una', 'Vic']) {
        const email = `${first.toLowerCase()}-${tag}@pickers.example`;
        const user = await api('POST', '/v1/users', {
          email, first_name: first, last_name: `Picker${tag}`, password: 'a long enough passphrase', organization_id: world.quay,
        });
        assert.equal(user.status, 201, JSON.stringify(user.body));
        world[first] = { id: user.body.user_id, email };
      }
      const given = await api('POST', `/v1/orgs/${world.quay}/iam/members`, { user_id: world.Una.id, role_ids: [role.body.role_id] });
      assert.equal(given.status, 200, JSON.stringify(given.body));
      await context.close();
    });

    test('the role filter and the assign dialog take a role picked by name', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      await page.goto(`${warden.baseUrl}/orgs/${world.quay}/members`);
      await ready(page, mode);
      await waitForText(page.getByTestId('member-total'), /^\d+ members? match/);
      const filter = page.getByTestId('member-role-filter');
      if (mode.javaScriptEnabled) {
        // Choosing a role filters at once.
        await Promise.all([page.waitForURL((url) => url.searchParams.get('role') === world.role), pickFirst(filter, 'quay aud')]);
      } else {
        // Part of the name: not a role, so the page says so and links to what it could mean.
        await filter.fill('quay aud');
        await submitAndWait(page, page.locator('form[role="search"]').getByRole('button', { name: 'Search' }), (url) => url.searchParams.get('role') === 'quay aud');
        await waitForText(page.getByTestId('member-role-problem'), /No role here is called/);
        const links = page.getByTestId('pick-links-role');
        await submitAndWait(page, links.getByRole('link', { name: world.role }), (url) => url.searchParams.get('role') === world.role);
      }
      await ready(page, mode);
      await waitForText(page.getByTestId('member-total'), /^1 member match/);
      await waitForText(page.getByTestId('member-row'), new RegExp(world.Una.email));

      // Vic gets the role in the assign dialog, added by name.
      await page.goto(`${warden.baseUrl}/orgs/${world.quay}/members?q=${encodeURIComponent(world.Vic.email)}`);
      await ready(page, mode);
      const vic = page.getByTestId('member-row').filter({ hasText: world.Vic.email });
      await submitAndWait(page, vic.getByTestId('member-edit-roles'), (url) => url.searchParams.has('assign'));
      await ready(page, mode);
      const dialog = page.getByTestId('assign-dialog');
      const add = dialog.getByTestId('assign-add-role');
      if (mode.javaScriptEnabled) {
        await pickFirst(add, 'auditor');
        await waitForValue(add, world.role);
      } else {
        // A role that is not there: the error is beside the field, which keeps what was typed.
        await add.fill('Harbour master');
        await submitAndWait(page, dialog.getByTestId('assign-save'), (url) => url.searchParams.has('__err'));
        await waitForText(page.getByTestId('add_role-error'), /No role here is called .Harbour master./);
        await waitForValue(page.getByTestId('assign-add-role'), 'Harbour master');
        await page.getByTestId('assign-add-role').fill(world.role);
      }
      await submitAndWait(page, page.getByTestId('assign-save'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(page.getByTestId('member-row').filter({ hasText: world.Vic.email }).getByTestId('member-roles'), new RegExp(world.role));
      assert.deepEqual(errors, []);
      await context.close();
    });

    test("a group's new members are picked from the organization's members", async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      await page.goto(`${warden.baseUrl}/orgs/${world.quay}/groups?edit=new`);
      await ready(page, mode);
      const editor = page.getByTestId('group-editor');
      await editor.locator('input[name="name"]').fill(`Night shift ${tag}`);
      const add = editor.getByTestId('group-add-emails');
      const addRole = editor.getByTestId('group-add-role');
      if (mode.javaScriptEnabled) {
        // Several, one after another: each choice is added to the list.
        await pickFirst(add, 'una');
        await waitForValue(add, `${world.Una.email}, `);
        await pickFirst(add, 'vic');
        await waitForValue(add, `${world.Una.email}, ${world.Vic.email}, `);
        // Lines pasted (a column copied from a spreadsheet) become entries after those typed,
        // not one run-on word, and typing goes on after them.
        await add.fill(world.Una.email);
        await add.evaluate((field, lines) => {
          const data = new DataTransfer();
          data.setData('text/plain', lines);
          field.focus();
          field.setSelectionRange(field.value.length, field.value.length);
          field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        }, `${world.Vic.email}\n${world.Una.email}\n`);
        await waitForValue(add, `${world.Una.email}, ${world.Vic.email}, ${world.Una.email}`);
        await add.pressSequentially(',');
        await waitForValue(add, `${world.Una.email}, ${world.Vic.email}, ${world.Una.email},`);
        // A role chosen joins the group's roles, ticked, and the field is free for the next.
        await pickFirst(addRole, 'quay aud');
        await waitForValue(editor.getByTestId('group-role-added'), world.role);
        await waitForValue(addRole, '');
      } else {
        await add.fill(`${world.Una.email}, ${world.Vic.email}`);
        await addRole.fill(world.role);
      }
      await submitAndWait(page, editor.getByTestId('group-save'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(page.getByTestId('groups-done'), `Saved group "Night shift ${tag}" (2 member(s))`);
      const row = page.getByTestId('group-row').filter({ hasText: `Night shift ${tag}` });
      await waitForText(row.getByTestId('group-roles'), world.role);
      assert.deepEqual(errors, []);
      await context.close();
    });

    test('the move dialog offers the new parents by name', async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      await page.goto(`${warden.baseUrl}/orgs/${world.pier}`);
      await ready(page, mode);
      const field = page.getByTestId('move-search');
      if (mode.javaScriptEnabled) {
        // Choosing goes straight to what the move would change.
        await Promise.all([page.waitForURL((url) => url.searchParams.get('move_to') === world.dock), pickFirst(field, `Dock ${tag}`)]);
      } else {
        await field.fill(`Dock ${tag}`);
        await submitAndWait(page, page.getByRole('button', { name: 'Preview the move' }), (url) => url.searchParams.has('move_to'));
        await waitForText(page.getByTestId('move-not-found'), /No organization you may move this under is called/);
        const links = page.getByTestId('pick-links-new-parent');
        await waitForCount(links.getByRole('link'), 1);
        await submitAndWait(page, links.getByRole('link', { name: `Dock ${tag}` }), (url) => url.searchParams.get('move_to') === world.dock);
      }
      await ready(page, mode);
      await waitForText(page.getByTestId('move-preview'), new RegExp(`^Move under Dock ${tag}`));
      assert.deepEqual(errors, []);
      await context.close();
    });

    test("the explorer's permission is picked from the schema", async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      await page.goto(`${warden.baseUrl}/explorer?user=${encodeURIComponent(world.Una.email)}&org=${world.quay}`);
      await ready(page, mode);
      const form = page.getByTestId('explorer-form');
      const permission = form.getByTestId('explorer-permission');
      if (mode.javaScriptEnabled) {
        // The answers for the earlier keystrokes come after the one for the last: the last
        // one's suggestions stay.
        let answered = 0;
        await page.route('**/api/pick', async (route) => {
          const last = (route.request().postData() ?? '').endsWith('q=audit%3Are');
          if (!last) await new Promise((resolve) => { setTimeout(resolve, 700); });
          await route.continue();
          answered += 1;
        });
        await permission.pressSequentially('audit:re');
        await waitUntil('every answer to arrive', () => answered, (n) => n === 'audit:re'.length);
        await page.waitForTimeout(200);
        await page.unroute('**/api/pick');
        await page.locator('#pick-permission-choices').getByTestId('pick-choice').first().waitFor({ timeout: 2000 });
        await permission.press('ArrowDown');
        await permission.press('Enter');
        await waitForValue(permission, 'audit:read');
      } else {
        await permission.fill('audit:read');
      }
      await submitAndWait(page, form.getByRole('button', { name: 'Ask' }), (url) => url.searchParams.get('permission') === 'audit:read');
      await ready(page, mode);
      await waitForText(page.getByTestId('explorer-verdict'), /Allowed/);
      assert.deepEqual(errors, []);
      await context.close();
    });

    test("a new organization's first admin is picked by name", async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const api = apiClient(context, warden.baseUrl);
      await page.goto(`${warden.baseUrl}/orgs/${world.quay}`);
      await ready(page, mode);
      const form = page.getByTestId('create-child-form');
      await form.locator('input[name="name"]').fill(`Berth ${tag}`);
      await form.locator('input[name="contact_email"]').fill('ops@example.com');
      const firstAdmin = form.getByTestId('first-admin');
      if (mode.javaScriptEnabled) {
        await pickFirst(firstAdmin, 'una');
        await waitForValue(firstAdmin, world.Una.email);
      } else {
        // A name is not an email: the error is beside the field, and nothing typed is lost.
        await firstAdmin.fill('Una');
        await submitAndWait(page, form.getByRole('button', { name: 'Create organization' }), (url) => url.searchParams.has('__err'));
        await waitForText(page.getByTestId('first_admin_email-error'), /No user you can see has this email address/);
        await waitForValue(page.getByTestId('first-admin'), 'Una');
        assert.equal(await page.getByTestId('create-child-form').locator('input[name="name"]').inputValue(), `Berth ${tag}`);
        await page.getByTestId('first-admin').fill(world.Una.email);
      }
      await submitAndWait(page, page.getByTestId('create-child-form').getByRole('button', { name: 'Create organization' }),
        (url) => url.pathname.startsWith('/orgs/') && url.pathname !== `/orgs/${world.quay}`);
      const berth = new URL(page.url()).pathname.split('/').pop();
      const members = await api('GET', `/v1/orgs/${berth}/iam/members`);
      assert.equal(members.status, 200, JSON.stringify(members.body));
      const una = members.body.members.find((m) => m.user_id === world.Una.id);
      assert.ok(una?.roles_detail.some((r) => r.name === 'Admin'), `Una is the first admin: ${JSON.stringify(members.body)}`);
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}
