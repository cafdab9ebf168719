-- An organization's children are listed by name a page at a time (some have thousands): the
-- index serves each page in order, and the child counts, as the old one on parent_id did.
CREATE INDEX organizations_parent_name ON organizations (parent_id, name, id);
DROP INDEX organizations_parent;
