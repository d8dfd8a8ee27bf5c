-- revision: d3ea4d165475
-- down_revision: 2c43863b5e49
-- message: update user model for standalone auth
-- lock_timeout: 5s

-- Standalone auth: users get a password hash and lose the DigitalCloud360 link.
-- The lock_timeout keeps ALTER TABLE users from queueing behind a long
-- transaction and blocking every query on users meanwhile.

-- Keep what the dropped columns held, so the down (and f45c116fedf1, which
-- re-adds name) can restore it. The down of this revision drops the archive.
CREATE TABLE users_pre_standalone_auth (
    id            integer NOT NULL,
    name          varchar,
    dc360_user_id integer,
    CONSTRAINT users_pre_standalone_auth_pkey PRIMARY KEY (id),
    -- deleting a user deletes its archived name too
    CONSTRAINT users_pre_standalone_auth_id_fkey
        FOREIGN KEY (id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO users_pre_standalone_auth (id, name, dc360_user_id)
SELECT id, name, dc360_user_id FROM users;

-- NOT NULL on a table that has rows: add nullable, backfill, then constrain.
-- '!' is not a valid bcrypt hash, so no password matches it: existing users
-- cannot log in until they reset their password.
ALTER TABLE users ADD COLUMN hashed_password varchar;
UPDATE users SET hashed_password = '!' WHERE hashed_password IS NULL;
-- pgstrata-ignore: set-not-null — the ADD COLUMN above holds users' ACCESS EXCLUSIVE lock until commit
-- and the UPDATE has just rewritten every row; SET NOT NULL's scan adds little to that.
ALTER TABLE users ALTER COLUMN hashed_password SET NOT NULL;

DROP INDEX ix_users_dc360_user_id;
-- pgstrata-ignore: drop-column — standalone auth drops the DigitalCloud360 link from the model;
-- the values are archived in users_pre_standalone_auth above, and the down restores them.
ALTER TABLE users DROP COLUMN dc360_user_id;
-- pgstrata-ignore: drop-column — this revision's model has no name; the values are archived in
-- users_pre_standalone_auth above, and f45c116fedf1 (or the down) restores them.
ALTER TABLE users DROP COLUMN name;
