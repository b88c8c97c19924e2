// name: documents
// title: 已入库文件
// description: The stored documents: policy key, title, source file, content hash and number of tasks.
// param limit: int ?= 200
// param offset: int ?= 0
// returns: key, title, source, content_hash, tasks
MATCH (p:Policy)
WHERE p.ingested = true
RETURN p.key AS key, p.title AS title, p.source AS source, p.content_hash AS content_hash, coalesce(p.tasks, 0) AS tasks
ORDER BY source
SKIP $offset
LIMIT $limit
