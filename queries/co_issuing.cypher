// name: co_issuing
// title: 联合发文
// description: Issuing agencies (发布) of the stored policies with the policy's date, region and level: agencies that issue the same document together form the co-issuing network. Filtered by policy (key, title or 文号) and region; empty = all.
// param policy: policy ?=
// param region: string ?=
// returns: agency, agency_level, policy, policy_title, policy_date, policy_region, policy_level
MATCH (a:Agency)-[:`发布`]->(p:Policy)
WHERE ($policy = '' OR p.key = $policy) AND ($region = '' OR p.region = $region)
RETURN a.name AS agency, a.level AS agency_level, p.key AS policy, p.title AS policy_title, p.date AS policy_date,
       p.region AS policy_region, p.level AS policy_level
ORDER BY policy, agency
