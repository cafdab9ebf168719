// The user and member lists in a real browser, hydrated and without JavaScript: a column
// header orders the list by it (the order in the URL, `aria-sort` on the header, a second
// click turns it around), and a later page links back to the one before it. An id is copied
// with its button (only with JavaScript; without it the id is plain text and no dead button
// shows). The roles list is searched and paged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, ready, submitAndWait, waitForText, waitUntil } from '../support/browser.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();
// More than one page of 50.
const PEOPLE = 53;
const ROLES = 52;

// Signed in as the admin, with a new organization under the root named `name` and the mode.
async function withOrganization(mode, name) {
  const { warden, context, page, errors } = await signedInAdmin(running, mode);
  const tag = mode.javaScriptEnabled ? 'js' : 'nojs';
  const api = apiClient(context, warden.baseUrl);
  const root = (await api('GET', '/v1/orgs/root')).body.id;
  const org = await api('POST', '/v1/orgs', {
    name: `${name} ${tag}`, contact_email: 'ops@example.com', parent_organization_id: root, can_have_child_organizations: false,
  });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  return { warden, context, page, errors, tag, api, org };
}

for (const mode of MODES) {
  describe(`user and member lists (${mode.name})`, () => {
    test('order by a column, page forward and back, copy an id', async () => {
      const { warden, context, page, errors, tag, api, org } = await withOrganization(mode, 'Listed');
      // Invited (no password): quick to make. Names run the other way round from emails.
      for (let n = 0; n < PEOPLE; n += 1) {
        const number = String(n).padStart(2, '0');
        const made = await api('POST', '/v1/users', {
          email: `m${number}-${tag}@lists.example`, first_name: `Z${String(PEOPLE - n).padStart(2, '0')}`, last_name: tag,
          organization_id: org.body.id,
        });
        assert.equal(made.status, 201, JSON.stringify(made.body));
      }
      const emails = () => page.getByTestId('member-row').evaluateAll((rows) => rows.map((row) => row.dataset.email));

      // By email (the default), then by name by clicking its header: the other way round.
      await page.goto(`${warden.baseUrl}/orgs/${org.body.id}/members`);
      await ready(page, mode);
      await waitForText(page.getByTestId('member-total'), new RegExp(`^${PEOPLE} members match`));
      assert.equal((await emails())[0], `m00-${tag}@lists.example`);
      await submitAndWait(page, page.getByTestId('sort-name'), (url) => url.searchParams.get('sort') === 'name');
      await ready(page, mode);
      await waitUntil('the list ordered by name', emails, (seen) => seen[0] === `m${PEOPLE - 1}-${tag}@lists.example`);
      assert.equal(await page.getByTestId('sort-name').locator('xpath=..').getAttribute('aria-sort'), 'ascending');
      await submitAndWait(page, page.getByTestId('sort-name'), (url) => url.searchParams.get('sort') === '-name');
      await ready(page, mode);
      await waitUntil('the list ordered by name, descending', emails, (seen) => seen[0] === `m00-${tag}@lists.example`);
      assert.equal(await page.getByTestId('sort-name').locator('xpath=..').getAttribute('aria-sort'), 'descending');

      // On to the next page (the order kept) and back.
      const firstPage = await emails();
      await submitAndWait(page, page.getByTestId('next-page'), (url) => url.searchParams.has('cursor'));
      await ready(page, mode);
      await waitUntil('the second page', emails, (seen) => seen.length === PEOPLE - 50);
      const second = new URL(page.url()).searchParams;
      assert.equal(second.get('sort'), '-name');
      await submitAndWait(page, page.getByTestId('previous-page'), (url) => url.searchParams.get('cursor') !== second.get('cursor'));
      await ready(page, mode);
      await waitUntil('the first page again', emails, (seen) => JSON.stringify(seen) === JSON.stringify(firstPage));
      assert.equal(await page.getByTestId('previous-page').count(), 0, 'nothing before the first page');

      // The users list orders the same way.
      await page.goto(`${warden.baseUrl}/users?q=${tag}%40lists.example`);
      await ready(page, mode);
      await submitAndWait(page, page.getByTestId('sort-name'), (url) => url.searchParams.get('sort') === 'name');
      await ready(page, mode);
      const userEmails = () => page.getByTestId('user-row').evaluateAll((rows) => rows.map((row) => row.dataset.email));
      await waitUntil('users ordered by name', userEmails, (seen) => seen[0] === `m${PEOPLE - 1}-${tag}@lists.example`);

      // The organization's id, with its copy button.
      await page.goto(`${warden.baseUrl}/orgs/${org.body.id}`);
      await ready(page, mode);
      await waitForText(page.getByTestId('org-id'), org.body.id);
      const copy = page.getByTestId('copy-org-id');
      if (mode.javaScriptEnabled) {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: warden.baseUrl });
        await copy.click();
        await waitForText(copy, 'Copied organization id');
        assert.equal(await page.evaluate(() => navigator.clipboard.readText()), org.body.id);
      } else {
        assert.equal(await page.getByRole('button', { name: 'Copy organization id' }).count(), 0, 'no button that cannot work');
        assert.equal(await copy.isHidden(), true);
      }
      assert.deepEqual(errors, []);
      await context.close();
    });

    test('roles: a page at a time, found by part of a name', async () => {
      const { warden, context, page, errors, tag, api, org } = await withOrganization(mode, 'Roled');
      const roles = `/v1/orgs/${org.body.id}/iam/roles`;
      for (let n = 0; n < ROLES; n += 1) {
        const made = await api('POST', roles, { name: `Crew ${String(n).padStart(2, '0')}`, description: 'made for the list test' });
        assert.equal(made.status, 201, JSON.stringify(made.body));
      }
      const total = (await api('GET', `${roles}?limit=1`)).body.total;
      assert.ok(total > 50, `more than a page: ${total}`);
      const names = () => page.getByTestId('role-row').evaluateAll((rows) => rows.map((row) => row.dataset.name));

      await page.goto(`${warden.baseUrl}/orgs/${org.body.id}/roles`);
      await ready(page, mode);
      await waitForText(page.getByTestId('role-total'), `${total} roles`);
      await waitUntil('a first page of 50', names, (seen) => seen.length === 50);
      const firstPage = await names();
      await submitAndWait(page, page.getByTestId('next-page'), (url) => url.searchParams.has('cursor'));
      await ready(page, mode);
      await waitUntil('the rest on the second page', names, (seen) => seen.length === total - 50);
      assert.deepEqual((await names()).filter((name) => firstPage.includes(name)), [], 'no role on both pages');

      // Part of a name, any case: the ten roles it is part of, on one page.
      await page.goto(`${warden.baseUrl}/orgs/${org.body.id}/roles`);
      await ready(page, mode);
      await page.getByTestId('role-search').fill('crew 4');
      await submitAndWait(page, page.getByRole('button', { name: 'Search' }), (url) => url.searchParams.get('q') === 'crew 4');
      await ready(page, mode);
      await waitForText(page.getByTestId('role-total'), '10 roles');
      await waitUntil('the roles named Crew 4x', names, (seen) => seen.length === 10 && seen.every((name) => name.startsWith('Crew 4')));
      assert.equal(await page.getByTestId('next-page').count(), 0, 'one page');
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}
