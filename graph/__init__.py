"""The graph: model (model.py), schema per engine (schema.py), write plans (writes.py), two stores."""

from .model import DocumentGraph, Node, Rel
from .store import GraphStore, QueryResult, WriteResult, open_store

__all__ = ["DocumentGraph", "GraphStore", "Node", "QueryResult", "Rel", "WriteResult", "open_store"]
