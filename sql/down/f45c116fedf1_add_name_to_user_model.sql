-- Drop the column f45c116fedf1 added (names set since the up are lost). The
-- names from before d3ea4d165475 stay in users_pre_standalone_auth, which
-- belongs to d3ea4d165475 and is dropped only by its down.
ALTER TABLE users DROP COLUMN name;
