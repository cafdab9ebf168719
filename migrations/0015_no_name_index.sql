-- Nothing reads organizations in name order across the whole table any more (searches walk the
-- decision cache's name index), and PostgreSQL preferred this index for a page of one parent's
-- children: it walked names in order, filtering out every other parent's children (7 to 12 ms
-- for a 5,000-child organization among 100,000, against 0.2 ms on `organizations_parent_name`).
DROP INDEX organizations_name;
