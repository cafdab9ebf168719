-- Who acted, as they were at that moment: the email beside the name, and the identity provider
-- through which they signed in (the issuer, for sign-ins through an organization's SSO).
ALTER TABLE audit_events ADD COLUMN actor_email TEXT;
ALTER TABLE audit_events ADD COLUMN actor_provider TEXT;

-- Events written before this migration did not keep the actor's email: the best that is known
-- is the email the account has now (accounts deleted since stay without one).
UPDATE audit_events
   SET actor_email = (SELECT users.email FROM users WHERE users.id = audit_events.actor_id)
 WHERE actor_id IS NOT NULL;
