// name: policies
// title: 政策列表
// description: Stored policies (ingested = true) or also the ones only cited, filtered by region and a title keyword.
// param region: region ?=
// param q: string ?=
// param include_cited: bool ?= false
// param limit: int ?= 200
// param offset: int ?= 0
// returns: key, title, doc_number, date, region, level, ingested
MATCH (p:Policy)
WHERE ($include_cited OR p.ingested = true) AND ($region = '' OR p.region = $region) AND ($q = '' OR p.title CONTAINS $q)
RETURN p.key AS key, p.title AS title, p.doc_number AS doc_number, p.date AS date, p.region AS region,
       p.level AS level, p.ingested AS ingested
ORDER BY date DESC, title
SKIP $offset
LIMIT $limit
