-- Runs once, when PostgreSQL initialises an empty data directory (docker-entrypoint-initdb.d),
-- as POSTGRES_USER (minwon) in POSTGRES_DB (minwon, the app's database). Rasa's tracker store
-- gets a database of its own; the app reads it only to purge old conversations
-- (MINWON_RETENTION__TRACKER_DB_URL). deploy/k8s/postgres.yaml carries the same text.
CREATE DATABASE rasa OWNER minwon;
