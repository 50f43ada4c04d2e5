-- The index's first schema (PostgreSQL). Everything here is derived from
-- the log; `accord reindex` rebuilds it.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('indexed_size', 0);

-- One row per log entry, accepted or refused.
CREATE TABLE statements (
    idx BIGINT PRIMARY KEY,
    entry_hash BYTEA NOT NULL,
    digest BYTEA,
    kind TEXT,
    issued_at BIGINT,
    signers TEXT NOT NULL,
    accepted BOOLEAN NOT NULL,
    refused_kind TEXT,
    refused_why TEXT
);
CREATE INDEX statements_entry_hash ON statements (entry_hash);
CREATE INDEX statements_digest ON statements (digest);

-- One row per accepted observation, as the evaluator sees it now.
CREATE TABLE observations (
    idx BIGINT PRIMARY KEY,
    digest BYTEA NOT NULL,
    category TEXT NOT NULL,
    observed BIGINT NOT NULL,
    issued BIGINT NOT NULL,
    period TEXT NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    zones TEXT NOT NULL,
    controlled_by TEXT,
    responsible TEXT,
    confidence TEXT,
    attribution TEXT NOT NULL,
    reporter TEXT NOT NULL,
    organisations TEXT NOT NULL,
    sensor TEXT NOT NULL,
    evidence BOOLEAN NOT NULL,
    standing TEXT NOT NULL,
    verified BOOLEAN NOT NULL,
    verified_at BIGINT,
    dispute_until BIGINT,
    disputed_by TEXT,
    dissent BIGINT NOT NULL,
    weapon_class TEXT,
    events TEXT NOT NULL
);
-- Filters that narrow a lot get an index each; paging is by idx within
-- them.
CREATE INDEX observations_observed ON observations (observed, idx);
CREATE INDEX observations_lat ON observations (lat, lon);
CREATE INDEX observations_lon ON observations (lon, lat);
CREATE INDEX observations_category ON observations (category, idx);
CREATE INDEX observations_responsible ON observations (responsible, idx);
CREATE INDEX observations_reporter ON observations (reporter, idx);
CREATE INDEX observations_standing ON observations (standing, idx);

-- The zones each observation is in, for the zone filter.
CREATE TABLE observation_zones (
    zone TEXT NOT NULL,
    idx BIGINT NOT NULL,
    PRIMARY KEY (zone, idx)
);
CREATE INDEX observation_zones_idx ON observation_zones (idx);
