-- retort:revision bbbb00000002
-- retort:revises aaaa00000001
-- retort:message add orders, with a trigger

-- retort:upgrade
CREATE TABLE orders (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL);
CREATE TRIGGER orders_touch AFTER INSERT ON orders BEGIN
  UPDATE accounts SET name = name WHERE id = NEW.account_id;
END;

-- retort:upgrade dialect=postgresql
CREATE TABLE orders (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL);
CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE accounts SET name = name WHERE id = NEW.account_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER orders_touch AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_touch();

-- retort:upgrade dialect=mysql
CREATE TABLE orders (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL);
CREATE TRIGGER orders_touch AFTER INSERT ON orders FOR EACH ROW BEGIN
  UPDATE accounts SET name = name WHERE id = NEW.account_id;
END;

-- retort:downgrade
DROP TABLE orders;

-- retort:downgrade dialect=postgresql
DROP TABLE orders;
DROP FUNCTION orders_touch();
