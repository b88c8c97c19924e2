// name: policy_detail
// title: 政策详情
// description: One policy by key, title or 文号: its metadata, whether it was ingested or only cited, and its number of tasks.
// param policy: policy = 山东省十四五知识产权保护和运用规划
// returns: key, title, doc_number, issuers, date, level, region, source, ingested, tasks
MATCH (p:Policy {key: $policy})
RETURN p.key AS key, p.title AS title, p.doc_number AS doc_number, p.issuers AS issuers, p.date AS date,
       p.level AS level, p.region AS region, p.source AS source, p.ingested AS ingested, coalesce(p.tasks, 0) AS tasks
