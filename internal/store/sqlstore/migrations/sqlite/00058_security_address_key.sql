-- +goose Up
-- Failed sign-ins are counted per address as auth.AddressKey says: an
-- IPv4 address exactly, an IPv6 address by its /64, which the address as
-- stored cannot be matched by. Rows from before keep '' and so count for
-- no address: at most one lockout window's failures are forgotten, once.
ALTER TABLE security_log ADD COLUMN address_key TEXT NOT NULL DEFAULT '';
CREATE INDEX security_log_address_key ON security_log (address_key, seq);

-- +goose Down
DROP INDEX security_log_address_key;
ALTER TABLE security_log DROP COLUMN address_key;
