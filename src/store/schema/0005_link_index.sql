-- 0005_link_index.sql — links read by relation and target type (the SoA
-- derives its reasons from every "controls" link): an index that covers the
-- query, so it no longer scans the whole link table.
CREATE INDEX link_rel_dst ON link(rel, dst_type, dst, src_type, src);
