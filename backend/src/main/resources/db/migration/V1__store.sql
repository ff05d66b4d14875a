-- Saved experiments (the store). Written to run unchanged on H2 and PostgreSQL: only types both know
-- (VARCHAR, BOOLEAN, BIGINT, TEXT, BYTEA, TIMESTAMP WITH TIME ZONE). Owners are keys ("user:ana",
-- "visitor:<random>"), not a foreign key: accounts live in their own migration.
CREATE TABLE experiments (
    id          VARCHAR(32)              NOT NULL PRIMARY KEY,
    owner_key   VARCHAR(200)             NOT NULL,
    name        VARCHAR(200)             NOT NULL,
    is_public   BOOLEAN                  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the page that saved it and opens it again: playground or cnn
    page        VARCHAR(20)              NOT NULL,
    -- the layerlab/experiment@1 file (JSON)
    experiment  TEXT                     NOT NULL,
    -- what the page shows beyond the experiment (view options), as the page's link query; may be empty
    view_state  TEXT                     NOT NULL,
    trained_epoch INTEGER                NOT NULL,
    -- safetensors, keyed as PyTorch's state_dict()
    weights     BYTEA                    NOT NULL,
    -- the metrics history: a JSON array of the engine's train lines
    metrics     TEXT                     NOT NULL,
    -- the training's TensorBoard event files, zipped; null when it logged none
    events      BYTEA,
    size_bytes  BIGINT                   NOT NULL
);

CREATE INDEX experiments_owner ON experiments (owner_key, created_at);
CREATE INDEX experiments_public ON experiments (is_public, created_at);
