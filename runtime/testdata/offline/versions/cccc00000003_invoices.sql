-- retort:revision cccc00000003
-- retort:revises aaaa00000001
-- retort:message add invoices (outside a transaction)
-- retort:no-transaction

-- retort:upgrade
CREATE TABLE invoices (id INTEGER PRIMARY KEY, note VARCHAR(64) DEFAULT 'it''s'); -- a comment
CREATE INDEX invoices_note ON invoices (note);

-- retort:downgrade
DROP INDEX invoices_note;
DROP TABLE invoices;

-- retort:downgrade dialect=mysql
DROP TABLE invoices;
