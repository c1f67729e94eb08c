-- A record's history (需求、措施的办理过程) is read from the audit trail by
-- entity and id.
CREATE INDEX audit_log_record ON audit_log (entity, entity_id, seq);
