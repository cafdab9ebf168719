-- "Does this user hold one of these roles?" is answered from the index alone ("who can" tests
-- every user that way when many hold a permission). The index still serves look-ups by user.
DROP INDEX membership_roles_user;
CREATE INDEX membership_roles_user_role ON membership_roles (user_id, role_id);

-- The users who are not active, usually few: "who can" takes them away from a count of holders.
CREATE INDEX users_not_active ON users (id) WHERE status <> 'active';
