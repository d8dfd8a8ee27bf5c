-- Back to DigitalCloud360 users. name then dc360_user_id are appended in the
-- order 2c43863b5e49 created them, so the column order comes back unchanged.
ALTER TABLE users ADD COLUMN name varchar;
ALTER TABLE users ADD COLUMN dc360_user_id integer;

-- Restore the values archived by the up. Users created since then have no
-- archive row and keep NULLs (both columns were nullable).
UPDATE users
   SET name = a.name,
       dc360_user_id = a.dc360_user_id
  FROM users_pre_standalone_auth a
 WHERE a.id = users.id;

-- pgstrata-ignore: create-index-concurrently — the ADD COLUMNs above hold users' ACCESS EXCLUSIVE
-- lock until commit anyway, and CONCURRENTLY cannot run inside this transaction.
CREATE UNIQUE INDEX ix_users_dc360_user_id ON users (dc360_user_id);

-- The password hashes are lost here: the schema before the up had no place for them.
ALTER TABLE users DROP COLUMN hashed_password;

-- The primary key is dropped by name first only for pg-mem (application
-- tests), which keeps its name taken after DROP TABLE; PostgreSQL would
-- drop it with the table.
ALTER TABLE users_pre_standalone_auth DROP CONSTRAINT users_pre_standalone_auth_pkey;
DROP TABLE users_pre_standalone_auth;
