-- Every config revision the gateway has made; the newest is in force. ${schema} is the configured schema.
-- "json" (not jsonb) keeps the order of services, which decides who wins a name under naming mode "never".
CREATE TABLE ${schema}.config_revisions (
    revision   bigint      PRIMARY KEY CHECK (revision > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    summary    text        NOT NULL,
    document   json        NOT NULL
);
