-- vnnews archive, schema version 10: no index on records.site.
-- The site filter matches a host or any subdomain of it (site = ? OR site LIKE '%.host'), which an
-- index cannot answer, so records_site only cost every insert an index write.
DROP INDEX IF EXISTS records_site;
