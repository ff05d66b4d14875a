-- The networks of a saved experiment that has more than one (a comparison: the same network trained with
-- several activations side by side). The experiments row holds the first network (its experiment file,
-- weights and metrics, as for every page); this table holds the others, position 1, 2, ... in the order
-- the page trained them. Deleting the experiment deletes them. Written to run unchanged on H2 and PostgreSQL.
create table experiment_networks (
    experiment_id varchar(32) not null references experiments (id) on delete cascade,
    -- the network's place in its experiment: 1 for the second network (0 is the experiments row's own)
    position      integer     not null,
    -- the layerlab/experiment@1 file (JSON)
    experiment    text        not null,
    -- safetensors, keyed as PyTorch's state_dict()
    weights       bytea       not null,
    -- the metrics history: a JSON array of the engine's train lines
    metrics       text        not null,
    constraint experiment_networks_key primary key (experiment_id, position)
);
