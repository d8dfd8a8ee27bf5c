-- revision: f45c116fedf1
-- down_revision: d3ea4d165475
-- message: add name to user model
-- lock_timeout: 5s

-- Alembic's version of this revision had empty upgrade()/downgrade(), so the
-- column the model requires never reached the database. This one adds it.

-- NOT NULL on a table that has rows: add nullable, backfill, then constrain.
ALTER TABLE users ADD COLUMN name varchar;

-- First the name the user had before d3ea4d165475, where there was one.
UPDATE users
   SET name = a.name
  FROM users_pre_standalone_auth a
 WHERE a.id = users.id;

-- Otherwise the local part of the email ('ana.diop@x.sn' -> 'ana.diop'),
-- or the whole email when there is nothing before an '@'.
UPDATE users
   SET name = CASE WHEN split_part(email, '@', 1) <> '' THEN split_part(email, '@', 1) ELSE email END
 WHERE name IS NULL;

-- pgstrata-ignore: set-not-null — the ADD COLUMN above holds users' ACCESS EXCLUSIVE lock until commit
-- and the UPDATEs have just rewritten every row; SET NOT NULL's scan adds little to that.
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
