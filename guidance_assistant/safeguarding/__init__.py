"""Safeguarding: the check every client message goes through first, on every path.

* :mod:`.screen`: :func:`screen_message`, the one entry point (disclosure, concern or nothing);
* :mod:`.rules`: the expert-editable patterns (``prompts/safeguarding/categories.yaml``) and the
  escalation reply;
* :mod:`.reader`: the learned reader over the bundled sentence embeddings, shipped in ``model/``;
* :mod:`.cues`: cues that add up across turns, and requests for secrecy;
* :mod:`.kinds`: the kinds of harm the check names; :mod:`.bank`: the labelled data;
* :mod:`.train`: how the reader is trained; :mod:`.measure`: the figures in ``evals/README.md``.
"""
