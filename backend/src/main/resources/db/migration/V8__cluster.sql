-- Several nodes of the app over one database (docs/cluster.md; com.layerlab.app.cluster). A background run
-- (one the REST API started, on a server whose nodes run as web and worker) waits in training_runs until the
-- fair hand-off gives it to JobRunr (at most so many of one user's at once), and a worker trains it there; the
-- columns below are what the nodes tell each other through the database. A page's run (and every run of a
-- single node, the default) leaves them as they are: background false, node its own. Written to run
-- unchanged on H2 and PostgreSQL.

-- the node whose runtime trains it now (a node's layerlab.node.name); null while no node has it
alter table training_runs add column node varchar(200);
-- trained by a worker through JobRunr rather than by the node whose page or API call started it
alter table training_runs add column background boolean default false not null;
-- a background run's place: waiting (for the fair hand-off), handed (a JobRunr job trains it, or will)
alter table training_runs add column placement varchar(16);
-- how often it was handed to JobRunr (a resume hands it again): its job's id comes from its id and this
alter table training_runs add column segment integer default 0 not null;
-- what a page or the API asks of the node training it (stop); read by that node, cleared as it obeys
alter table training_runs add column wanted varchar(16);
-- where it is, as the node training it last said (about twice a second): completed epochs, batches into the
-- epoch under way of how many, training samples a second
alter table training_runs add column progress_epoch integer default 0 not null;
alter table training_runs add column progress_batch integer default 0 not null;
alter table training_runs add column progress_batches integer default 0 not null;
alter table training_runs add column samples_per_second double precision;
alter table training_runs add column progress_at timestamp with time zone;
-- what happened to it between nodes, for its pages and the API ("worker B took it over from its checkpoint of
-- epoch 4: worker A stopped answering"); null when nothing did
alter table training_runs add column notice varchar(2000);

create index training_runs_placement on training_runs (placement, started_at);

-- A run's metrics as its epochs end, one row per network and epoch (from 0): written by the node training it,
-- read by every node. An epoch trained again after a worker died past its last checkpoint replaces its row,
-- so no epoch is counted twice.
create table training_run_epochs (
    run_id          varchar(32)      not null,
    network         integer          not null,
    epoch           integer          not null,
    train_loss      double precision not null,
    test_loss       double precision not null,
    train_accuracy  double precision,
    test_accuracy   double precision,
    primary key (run_id, network, epoch)
);

-- The nodes of the server, as each says every few seconds: what it does and which backends it has
create table cluster_nodes (
    name        varchar(200) not null primary key,
    -- web, worker or both
    role        varchar(16)  not null,
    -- the backends available on it, comma-separated (cpu,opencl,cuda), as the engine's info reports them
    backends    varchar(200) not null,
    -- runs its runtime trains now
    runs        integer      default 0 not null,
    started_at  timestamp with time zone not null,
    seen_at     timestamp with time zone not null
);
