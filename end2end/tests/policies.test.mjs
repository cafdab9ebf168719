// The policy editor in a real browser. Hydrated: build a policy with the matrix (an
// instance-scoped row and a deny), watch the text view follow, use the keyboard, save, reopen,
// and see the impact preview change when a permission is removed. Without JavaScript: the
// text view alone creates a policy, and a bad one is refused with the problem named.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';

import { MODES, collectErrors, launch, openCountingServerCalls, ready, signIn, submitAndWait, waitForChecked, waitForCount, waitForText, waitUntil } from '../support/browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startWarden } from '../support/server.mjs';

const MEMBER_EMAIL = 'mia@e2e.example';
const MEMBER_PASSWORD = 'mia member passphrase';

let warden;
let browser;
let rootId;
let memberId;

// REST calls with the session of a signed-in browser context (writes carry the Origin).
async function api(context, method, path, data) {
  const response = await context.request.fetch(`${warden.baseUrl}${path}`, {
    method,
    data,
    headers: { origin: warden.baseUrl },
  });
  const text = await response.text();
  return { status: response.status(), body: text ? JSON.parse(text) : null };
}

before(async () => {
  warden = await startWarden();
  browser = await launch();
  const mode = MODES[0];
  // Mia: a user with no roles anywhere yet (the CLI makes her Super Admin; that is taken back).
  warden.createAdmin(MEMBER_EMAIL, 'Mia Member', MEMBER_PASSWORD);
  const miaContext = await browser.newContext();
  const miaPage = await miaContext.newPage();
  await signIn(miaPage, mode, warden.baseUrl, MEMBER_EMAIL, MEMBER_PASSWORD);
  await miaPage.waitForURL(`${warden.baseUrl}/`);
  memberId = (await api(miaContext, 'GET', '/v1/me')).body.user_id;
  await miaContext.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, mode, warden.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.waitForURL(`${warden.baseUrl}/`);
  rootId = (await api(context, 'GET', '/v1/orgs/root')).body.id;
  const schema = await api(context, 'PUT', '/v1/iam/permissions/schema', {
    version: 1,
    resource_types: [{
      key: 'project', label: 'Project', listable: true,
      actions: [{ key: 'read', label: 'Read' }, { key: 'deploy', label: 'Deploy' }],
    }],
  });
  assert.equal(schema.status, 200, JSON.stringify(schema.body));
  for (const [id, name] of [['p1', 'Apollo'], ['p2', 'Zeus']]) {
    const registered = await api(context, 'PUT', `/v1/orgs/${rootId}/iam/resources/project/${id}`, { name });
    assert.equal(registered.status, 201);
  }
  const removed = await api(context, 'DELETE', `/v1/orgs/${rootId}/iam/members/${memberId}`);
  assert.equal(removed.status, 204, JSON.stringify(removed.body));
  await context.close();
});

after(async () => {
  await browser?.close();
  await warden?.stop();
});

const isPolicyPage = (url) => /^\/orgs\/[^/]+\/policies\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/new');

describe('policy editor (hydrated)', () => {
  const mode = MODES[0];

  test('build with the matrix, save, reopen, and preview the impact of a removal', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    await signIn(page, mode, warden.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.waitForURL(`${warden.baseUrl}/`);

    await page.goto(`${warden.baseUrl}/orgs/${rootId}/policies`);
    await ready(page, mode);
    await submitAndWait(page, page.getByTestId('new-policy'), (url) => url.pathname.endsWith('/policies/new'));
    await ready(page, mode);
    await page.locator('input[name="name"]').fill('Deployers');

    // An instance-scoped row: Apollo only, read and deploy.
    const project = page.getByTestId('matrix-row-project');
    await project.getByTestId('pick-instances').click();
    await page.getByTestId('instance-search').fill('apo');
    await page.getByRole('button', { name: 'Add Apollo (p1)' }).click();
    await project.getByTestId('row-scope').filter({ hasText: 'Apollo' }).waitFor();
    await project.getByRole('checkbox', { name: 'Allow deploy on Project (Apollo)' }).check();
    await project.getByRole('checkbox', { name: 'Allow read on Project (Apollo)' }).check();

    // A deny: org delete.
    const org = page.getByTestId('matrix-row-org');
    await org.getByRole('checkbox', { name: 'Allow delete on Organization' }).check();
    await org.getByTestId('effect-toggle').click();
    await org.getByRole('checkbox', { name: 'Deny delete on Organization' }).waitFor();

    // The keyboard: from the audit row's "all" cell, Right then Space ticks audit read.
    const audit = page.getByTestId('matrix-row-audit');
    await audit.locator('input[data-col="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await waitForChecked(audit.getByRole('checkbox', { name: 'Allow read on Audit log' }));

    // The text view followed every edit.
    const followed = [
      { effect: 'deny', actions: ['delete'], resources: ['org'] },
      { effect: 'allow', actions: ['read'], resources: ['audit'] },
      { effect: 'allow', actions: ['deploy', 'read'], resources: ['project:p1'] },
    ];
    const text = JSON.parse(await waitUntil('the text view to follow every edit',
      () => page.getByTestId('policy-text').inputValue(), (value) => isDeepStrictEqual(JSON.parse(value), followed)));

    // And the other way: a typo in the text is underlined and named.
    await page.getByTestId('policy-text').fill(JSON.stringify([...text, { effect: 'allow', actions: ['fly'], resources: ['org'] }], null, 2));
    await page.getByTestId('text-problems').filter({ hasText: '"fly" is not an action' }).waitFor();
    await waitForCount(page.getByTestId('text-problem-mark'), 1);
    await page.getByTestId('policy-text').fill(JSON.stringify(text, null, 2));
    await page.getByTestId('text-problems').filter({ hasText: 'fly' }).waitFor({ state: 'detached' });

    // Leaving with unsaved changes asks first; staying keeps everything.
    // The click holds until the dialog is answered, so it is awaited only after the dismissal.
    const asked = page.waitForEvent('dialog', { timeout: 15000 });
    const leaving = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
    const dialog = await asked;
    const question = dialog.message();
    await dialog.dismiss();
    await leaving;
    assert.match(question, /unsaved changes/);
    assert.ok(new URL(page.url()).pathname.endsWith('/policies/new'));
    assert.equal(await page.locator('input[name="name"]').inputValue(), 'Deployers');

    await submitAndWait(page, page.getByRole('button', { name: 'Create policy' }), isPolicyPage);
    await ready(page, mode);
    const policyPath = new URL(page.url()).pathname;
    const policyId = policyPath.split('/').pop();

    // A role with this policy, held by Mia.
    const role = await api(context, 'POST', `/v1/orgs/${rootId}/iam/roles`, { name: 'Deploy crew', policy_ids: [policyId] });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const assigned = await api(context, 'POST', `/v1/orgs/${rootId}/iam/members`, { user_id: memberId, role_ids: [role.body.role_id] });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));

    // Reopen: the matrix shows what was saved, and nothing is asked again as the page hydrates.
    const calls = await openCountingServerCalls(page, mode, `${warden.baseUrl}${policyPath}`);
    await page.getByTestId('matrix-row-project').getByTestId('row-scope').filter({ hasText: 'Apollo' }).waitFor();
    await waitForChecked(page.getByTestId('matrix-row-org').getByRole('checkbox', { name: 'Deny delete on Organization' }));
    const impact = page.getByTestId('impact-preview');
    await impact.getByTestId('impact-roles').filter({ hasText: 'Deploy crew' }).waitFor();
    await impact.getByTestId('impact-none').waitFor();
    assert.deepEqual(calls, [], 'the policy and its impact came with the page');

    // Removing a permission: the preview names who loses it.
    await page.getByTestId('matrix-row-audit').getByRole('checkbox', { name: 'Allow read on Audit log' }).uncheck();
    const shift = impact.getByTestId('impact-shift').filter({ hasText: 'audit:read' });
    await waitForText(shift, /1 member\(s\) would lose it: Mia Member/);

    await page.screenshot({ path: 'end2end/output/policy-editor.png', fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('policy editor (without JavaScript)', () => {
  const mode = MODES[1];

  test('the text view creates a policy, and a bad one is refused', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, mode, warden.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${warden.baseUrl}/orgs/${rootId}/policies/new`);
    await ready(page, mode);
    await page.locator('input[name="name"]').fill('Readers nojs');
    await page.getByTestId('policy-text').fill('[{"effect": "allow", "resources": ["org"], "actions": ["fly"]}]');
    await submitAndWait(page, page.getByRole('button', { name: 'Create policy' }), (url) => url.pathname.endsWith('/policies/new'));
    await page.getByTestId('text-problems').filter({ hasText: '"fly" is not an action' }).waitFor();

    await page.locator('input[name="name"]').fill('Readers nojs');
    await page.getByTestId('policy-text').fill('[{"effect": "allow", "resources": ["org"], "actions": ["read"]}]');
    await submitAndWait(page, page.getByRole('button', { name: 'Create policy' }), isPolicyPage);
    await waitForText(page.getByTestId('policy-title'), 'Readers nojs');
    await waitForChecked(page.getByTestId('matrix-row-org').getByRole('checkbox', { name: 'Allow read on Organization' }));

    await page.goto(`${warden.baseUrl}/orgs/${rootId}/policies?q=nojs`);
    await waitForText(page.getByTestId('policy-total'), '1 policy');
    await context.close();
  });
});
