-- What a run of the journal (training_runs, V4) ended with: the engine's train lines, one per epoch from 0, as
-- the JSON the experiments table keeps (com.layerlab.app.store.Metrics). Written as the run ends
-- (TrainingRunJournal.keepMetrics), apart from the journal's other writes, so that an ended run shows its
-- metrics after a restart even once its folder (its checkpoint) has been pushed out among the oldest.
-- Null while the run has not ended. Written to run unchanged on H2 and PostgreSQL.
alter table training_runs add column metrics text;
