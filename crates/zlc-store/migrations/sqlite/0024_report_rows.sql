-- A unit's children (the rows of a report and of its statistics table, the
-- tree's next level): through an index in their order, instead of reading
-- every unit of a nation (137k) for the thirty provinces below it.
CREATE INDEX units_parent ON units (parent_id, sort, id);
-- Who took part and what was walked in a subtree over a period (a report
-- row's counts and names): from the index alone, which now holds the id.
DROP INDEX stats_officials_path;
CREATE INDEX stats_officials_path ON stats_officials (period, unit_path, official_id);
DROP INDEX stats_items_path;
CREATE INDEX stats_items_path ON stats_items (period, unit_path, item_id);
