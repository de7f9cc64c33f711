-- leading comment
CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (x TEXT);

/* a block
   comment; with a semicolon */
INSERT INTO a VALUES (1) -- trailing; comment
;
-- only a comment here;
;;
SELECT 'it''s; fine', "odd;ident", `back;tick` FROM a
