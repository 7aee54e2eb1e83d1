"""Documents -> chunks -> FAISS and BM25 indexes -> hybrid search, with citations."""

from guidance_assistant.retrieval.knowledge_base import KnowledgeBase, Passage, bundled_documents
from guidance_assistant.retrieval.loaders import LoadProblem, load_file, load_paths

__all__ = [
    "KnowledgeBase",
    "LoadProblem",
    "Passage",
    "bundled_documents",
    "load_file",
    "load_paths",
]
