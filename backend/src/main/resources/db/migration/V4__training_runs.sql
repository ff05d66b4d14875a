-- The runs that outlive their page (a signed-in owner's, the REST API's): what the runtime must find again
-- after a restart (com.layerlab.app.store.TrainingRunJournal). A row is written as the run starts, at each
-- checkpoint and as it ends; at start, rows left queued, running or paused (a server killed without
-- shutting down) become interrupted. Written to run unchanged on H2 and PostgreSQL.
create table training_runs (
    id               varchar(32)   not null primary key,
    -- "user:ana", "visitor:<random>": a key, as the experiments table's owners
    owner_key        varchar(200)  not null,
    -- the page that submitted it (playground, compare, cnn, api)
    page             varchar(20)   not null,
    -- the saved experiment it trains (the API's runs); null for a page's run
    experiment_id    varchar(32),
    -- what it trains: a JSON array of layerlab/experiment@1 files, one per network trained in lock step
    experiments      text          not null,
    -- queued, running, paused, finished, stopped, failed, interrupted
    state            varchar(16)   not null,
    -- the epochs asked for (0: until stopped)
    epochs           integer       not null,
    -- the epoch of its last checkpoint on disk; -1 before its first
    checkpoint_epoch integer       not null,
    -- its folder under layerlab.runs.dir (event files, checkpoints/); null when it has none
    folder           varchar(1000),
    backend          varchar(32)   not null,
    device           varchar(200)  not null,
    message          varchar(2000),
    started_at       timestamp with time zone not null,
    updated_at       timestamp with time zone not null
);

create index training_runs_state on training_runs (state);
create index training_runs_owner on training_runs (owner_key, started_at);
