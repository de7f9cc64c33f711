CREATE FUNCTION add(a integer, b integer) RETURNS integer AS $$
BEGIN
  RETURN a + b;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION f() RETURNS trigger AS $body$
  SELECT '$$;';
$body$ LANGUAGE sql;
SELECT $1, x$y$z FROM t;
SELECT E'it\'s; escaped', 'plain\'; SELECT 2;
/* outer /* nested; */ still comment; */ SELECT 3;
