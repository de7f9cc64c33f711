-- retort:upgrade dialect=postgresql
-- Nothing to do: the database matches the models.

-- retort:downgrade dialect=postgresql
-- Nothing to undo.

-- retort:upgrade dialect=sqlite
-- Nothing to do: the database matches the models.

-- retort:downgrade dialect=sqlite
-- Nothing to undo.
