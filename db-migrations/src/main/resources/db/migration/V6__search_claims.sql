-- The Kafka record (topic-partition@offset) of the SearchRequested that a search worker took the job up with.
-- A redelivery of that record (the worker died) resumes the job; another record for the same job is the outbox
-- relay's rare second send, and the worker skips it, so a job is never searched twice.
ALTER TABLE jobs ADD COLUMN search_record text;
