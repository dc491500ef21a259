-- The burst rule counts the cases opened for one owner (a review's author) within a recent window.
CREATE INDEX cases_by_owner ON moderation.cases (subject_type, owner_id, opened_at);
