-- A push opens on the lab it was made in: the 2D playground or the CNN lab (store.Page ids). Rows from
-- before this column were all playground pushes.
alter table class_pushes add column page varchar(16) default 'playground' not null;
