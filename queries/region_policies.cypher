// name: region_policies
// title: 适用于某地区的政策
// description: Policies governing a region or any of its administrative children (up to four levels down), newest first.
// param region: region = 山东省
// param limit: int ?= 200
// param offset: int ?= 0
// returns: policy, region, date
MATCH (r:Region {key: $region})<-[:`隶属`*0..4]-(c:Region)<-[:`适用`]-(p:Policy)
RETURN DISTINCT p.title AS policy, c.name AS region, p.date AS date
ORDER BY date DESC, policy, region
SKIP $offset
LIMIT $limit
