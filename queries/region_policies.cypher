// name: region_policies
// title: 适用于某地区的政策
// description: Policies governing a region or any of its administrative children (up to four levels down).
// param region: string = 山东省
// returns: policy, region, date
MATCH (p:Policy)-[:`适用`]->(r:Region)
WHERE r.key = $region
RETURN p.title AS policy, r.name AS region, p.date AS date
UNION
MATCH (p:Policy)-[:`适用`]->(c:Region)-[:`隶属`*1..4]->(r:Region)
WHERE r.key = $region
RETURN p.title AS policy, c.name AS region, p.date AS date
