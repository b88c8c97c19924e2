"""policy-kg: Chinese policy documents into a knowledge graph of responsibilities, bases and regions.

The package maps the project's folders under one import name: policykg.ingest (documents → facts),
policykg.graph (model and stores), policykg.queries (Cypher templates), policykg.api (HTTP).
"""

__version__ = "0.1.0"
