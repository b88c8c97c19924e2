// name: documents
// title: 已入库文件
// description: The stored documents: policy key, title, source file, content hash and number of tasks.
// param limit: int ?= 200
// param offset: int ?= 0
// returns: key, title, source, content_hash, tasks
MATCH (p:Policy)
WHERE p.ingested = true
OPTIONAL MATCH (t:Task)
WHERE t.policy = p.key
WITH p, count(t) AS tasks
RETURN p.key AS key, p.title AS title, p.source AS source, p.content_hash AS content_hash, tasks
ORDER BY source
SKIP $offset
LIMIT $limit
