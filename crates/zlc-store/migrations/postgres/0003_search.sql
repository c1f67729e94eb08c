-- Chinese substring search with an index: trigram GIN indexes (pg_trgm, a
-- trusted extension: the database owner may create it). LIKE '%…%' uses them
-- for patterns of three characters or more.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX problems_description_trgm ON problems USING gin (description gin_trgm_ops);
CREATE INDEX problems_cause_trgm ON problems USING gin (cause gin_trgm_ops);
CREATE INDEX activities_content_trgm ON activities USING gin (content gin_trgm_ops);
CREATE INDEX activities_place_trgm ON activities USING gin (place gin_trgm_ops);
CREATE INDEX needs_content_trgm ON needs USING gin (content gin_trgm_ops);
CREATE INDEX needs_response_trgm ON needs USING gin (response gin_trgm_ops);
CREATE INDEX measures_content_trgm ON measures USING gin (content gin_trgm_ops);
CREATE INDEX measures_effect_trgm ON measures USING gin (effect gin_trgm_ops);
