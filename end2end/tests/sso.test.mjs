// Single sign-on in a real browser, hydrated and without JavaScript, against a real OpenID
// provider (npm oidc-provider, end2end/support/oidc_provider.mjs): an admin configures the
// provider on the setup page, tests the connection and maps a group to a role; then someone
// signs in through the provider's own login form and lands in the organization with that role;
// the setup page then lists the group they carried that maps to nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';

import { MODES, collectErrors, openCountingServerCalls, pick, ready, submitAndWait, waitForText } from '../support/browser.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();
const provider = {};

// Started once, by the first test (Warden must be up to know its callback address).
async function startProvider() {
  if (provider.child) return;
  const child = spawn('node', ['end2end/support/oidc_provider.mjs', '--redirect-uri', `${running.warden.baseUrl}/sso/callback`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (first) => resolve([first]));
    child.once('exit', (code) => reject(new Error(`the test provider exited with ${code}`)));
  });
  Object.assign(provider, JSON.parse(line), { child });
}
after(() => provider.child?.kill('SIGTERM'));

async function setUser(login, claims) {
  const response = await fetch(`${provider.issuer}/test/users/${login}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(claims),
  });
  assert.equal(response.status, 204);
}

for (const mode of MODES) {
  describe(`single sign-on (${mode.name})`, () => {
    test('configure, test, map a group, and sign in through the provider', async () => {
      await startProvider();
      const tag = mode.javaScriptEnabled ? 'js' : 'nojs';
      const domain = `sso-${tag}.test`;
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const api = apiClient(context, warden.baseUrl);

      // An organization with a role that lets its holders see the members.
      const { body: root } = await api('GET', '/v1/orgs/root');
      const { status, body: org } = await api('POST', '/v1/orgs', {
        name: `Acme ${tag}`, code: `acme-${tag}`, contact_email: `ops@${domain}`, parent_organization_id: root.id,
        can_have_child_organizations: true,
      });
      assert.equal(status, 201, JSON.stringify(org));
      const { body: policy } = await api('POST', `/v1/orgs/${org.id}/iam/policies`, {
        name: 'See members', permissions: ['org:read', 'member:read', 'role:read', 'policy:read'],
      });
      const { body: role } = await api('POST', `/v1/orgs/${org.id}/iam/roles`, { name: 'Engineers', policy_ids: [policy.policy_id] });
      assert.ok(role.role_id, JSON.stringify(role));

      // The provider, on the setup page.
      await page.goto(`${warden.baseUrl}/orgs/${org.id}/sso`);
      await ready(page, mode);
      await waitForText(page.getByTestId('sso-redirect-uri'), `${warden.baseUrl}/sso/callback`);
      const form = page.getByTestId('sso-form');
      await form.locator('input[name="issuer"]').fill(provider.issuer);
      await form.locator('input[name="client_id"]').fill(provider.client_id);
      await form.locator('input[name="client_secret"]').fill(provider.client_secret);
      await form.locator('input[name="allowed_email_domains"]').fill(domain);
      await form.locator('input[name="jit_provisioning"]').check();
      await submitAndWait(page, page.getByTestId('sso-save'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(page.getByTestId('sso-done'), /SSO configuration saved/);
      await waitForText(page.getByTestId('client-secret-hint'), /A secret is stored/);
      assert.equal(await page.locator('input[name="client_secret"]').inputValue(), '', 'the secret is never shown');
      assert.ok(!(await page.content()).includes(provider.client_secret), 'the secret is nowhere in the page');

      // Test connection.
      await submitAndWait(page, page.getByTestId('sso-test'), (url) => url.searchParams.has('test'));
      await ready(page, mode);
      await waitForText(page.getByTestId('sso-test-report'), /ready for Warden/);
      // The report comes with the page: opened at its address, the page asks for nothing more
      // once it has hydrated.
      const calls = await openCountingServerCalls(page, mode, page.url());
      await waitForText(page.getByTestId('sso-test-report'), /ready for Warden/);
      assert.deepEqual(calls, [], 'the report came with the page');

      // No group maps to Engineers yet, so it is not listed: it is named in "another role"
      // (picked, or typed without JavaScript) and given the group `engineering`.
      assert.equal(await page.getByTestId('sso-role-row').filter({ hasText: 'Engineers' }).count(), 0);
      const another = page.getByTestId('sso-another-role');
      if (mode.javaScriptEnabled) {
        await pick(another.getByTestId('sso-another-role-name'), 'engin', 'Engineers');
      } else {
        await another.getByTestId('sso-another-role-name').fill('Engineers');
      }
      await another.getByTestId('sso-another-role-groups').fill('engineering');
      await submitAndWait(page, another.getByTestId('sso-another-role-save'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(page.getByTestId('sso-done'), /Group names of Engineers saved/);
      // Listed from now on, its groups edited in place.
      const row = page.getByTestId('sso-role-row').filter({ hasText: 'Engineers' });
      assert.equal(await row.getByTestId('sso-role-groups').inputValue(), 'engineering');

      // Someone in that group signs in through the provider's own form, in a fresh browser.
      const login = `erin-${tag}`;
      const email = `erin@${domain}`;
      await setUser(login, { email, email_verified: true, name: `Erin ${tag}`, groups: ['engineering', 'contractors'] });
      const visitor = await running.browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
      const person = await visitor.newPage();
      const personErrors = collectErrors(person);
      const landing = `/orgs/${org.id}/members`;
      await person.goto(`${warden.baseUrl}/sign-in?next=${encodeURIComponent(landing)}`);
      await ready(person, mode);
      await person.getByTestId('sso-form').locator('input[name="identifier"]').fill(email);
      await submitAndWait(person, person.getByTestId('sso-submit'), (url) => url.href.startsWith(provider.issuer));
      await waitForText(person.locator('h1'), 'Test identity provider');
      await person.fill('#login', login);
      await person.fill('#password', 'anything');
      await submitAndWait(person, person.getByRole('button', { name: 'Sign in' }), (url) => url.href === `${warden.baseUrl}${landing}`);
      await ready(person, mode);
      const mine = person.getByTestId('member-row').filter({ hasText: email });
      await waitForText(mine.getByTestId('member-roles'), 'Engineers (SSO group engineering)');

      // Back on the setup page, the group that gave nothing is listed, with one person.
      await page.goto(`${warden.baseUrl}/orgs/${org.id}/sso`);
      await ready(page, mode);
      const unmapped = page.getByTestId('sso-unmapped-row').filter({ hasText: 'contractors' });
      await waitForText(unmapped, /contractors\s*1/);
      // Mapped to a role picked by name (typed without JavaScript), it gives that role from now on.
      const mapTo = unmapped.getByTestId('sso-map-role');
      if (mode.javaScriptEnabled) {
        await pick(mapTo, 'engin', 'Engineers');
      } else {
        await mapTo.fill('Engineers');
      }
      await submitAndWait(page, unmapped.getByTestId('sso-map-group'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await page.getByTestId('sso-unmapped-empty').waitFor();
      // The test bench answers what the address asks, with the page: nothing is asked again
      // once it has hydrated.
      const benchCalls = await openCountingServerCalls(page, mode,
        `${warden.baseUrl}/orgs/${org.id}/sso?bench=1&groups=contractors`);
      await waitForText(page.getByTestId('sso-bench-saved').getByTestId('sso-bench-roles'), /Engineers/);
      assert.deepEqual(benchCalls, [], 'the bench answer came with the page');

      assert.deepEqual(errors, []);
      assert.deepEqual(personErrors, []);
      await visitor.close();
      await context.close();
    });
  });
}
