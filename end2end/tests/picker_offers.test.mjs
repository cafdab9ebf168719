// A picker in a form posted with a term that names nothing, in a real browser, hydrated and
// without JavaScript: the form shows what the term could mean under the field, as links;
// choosing one fills the field and keeps everything else typed, and the form then goes through.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MODES, ready, submitAndWait, waitForText, waitForValue } from '../support/browser.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();

for (const mode of MODES) {
  describe(`picker offers (${mode.name})`, () => {
    test("a new user's organization, chosen from what its name could mean", async () => {
      const { warden, context, page, errors } = await signedInAdmin(running, mode);
      const api = apiClient(context, warden.baseUrl);
      const suffix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const root = (await api('GET', '/v1/orgs/root')).body.id;
      const org = await api('POST', '/v1/orgs', {
        name: `Offer Dock ${suffix}`, contact_email: 'ops@example.com', parent_organization_id: root, can_have_child_organizations: false,
      });
      assert.equal(org.status, 201, JSON.stringify(org.body));
      const email = `olive-${suffix}@offers.example`;

      await page.goto(`${warden.baseUrl}/users?new=1`);
      await ready(page, mode);
      const form = page.getByTestId('new-user-form');
      await form.locator('input[name="email"]').fill(email);
      await form.locator('input[name="first_name"]').fill('Olive');
      // Its name, which the field does not take (an id or a code): refused, with offers.
      await form.getByTestId('new-user-org').fill(`offer dock ${suffix}`);
      await form.getByTestId('new-user-create').click();
      const offer = form.getByTestId('pick-link').filter({ hasText: `Offer Dock ${suffix}` });
      await offer.waitFor();
      await waitForText(form.getByTestId('organization_id-error'), /No organization you may add users to/);
      if (mode.javaScriptEnabled) {
        await offer.click();
      } else {
        await submitAndWait(page, offer, (url) => url.searchParams.get('__typed.organization_id') === org.body.id);
      }
      await waitForValue(form.getByTestId('new-user-org'), org.body.id);
      await waitForValue(form.locator('input[name="email"]'), email);
      await waitForValue(form.locator('input[name="first_name"]'), 'Olive');
      assert.equal(await form.getByTestId('pick-links-organization').count(), 0, 'the offers are gone once one is chosen');
      assert.equal(await form.getByTestId('organization_id-error').textContent(), '', 'and so is the error');

      await submitAndWait(page, form.getByTestId('new-user-create'), (url) => url.searchParams.has('done'));
      await ready(page, mode);
      await waitForText(page.getByTestId('users-done'), new RegExp(`Created ${email}`));
      const members = await api('GET', `/v1/orgs/${org.body.id}/iam/members?q=olive`);
      assert.equal(members.body.total, 1, JSON.stringify(members.body));
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}
