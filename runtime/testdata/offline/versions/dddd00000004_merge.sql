-- retort:revision dddd00000004
-- retort:revises bbbb00000002 cccc00000003
-- retort:message merge orders and invoices

-- retort:upgrade
CREATE TABLE payments (id INTEGER PRIMARY KEY, invoice_id INTEGER NOT NULL,
  memo VARCHAR(64) -- free text
);

-- retort:downgrade
DROP TABLE payments;
