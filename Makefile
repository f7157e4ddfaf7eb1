.PHONY: run prod test setup lint format lock generate

run:        ## set up and run the whole system (Rasa + app) on embedded defaults
	bash scripts/run.sh

prod:       ## the production shape on loopback: PostgreSQL, Redis, Chroma, llama.cpp, 2×Rasa, 2×app, nginx
	bash scripts/prod.sh

test:       ## set up and run every test
	bash scripts/test.sh

setup:      ## create both environments (idempotent)
	bash scripts/setup.sh

lint:       ## ruff lint + format check
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

generate:   ## regenerate the catalog-driven Rasa domain and rules
	.venv/bin/minwon bot generate

lock:       ## re-resolve the pinned requirements (needs network to PyPI)
	cd requirements && $(HOME)/.cache/minwon/tools/bin/uv pip compile --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 --find-links /opt/wheels \
	  --find-links $(HOME)/.cache/minwon/wheels ../pyproject.toml --extra dev --extra eval -o app.lock
	cd requirements && $(HOME)/.cache/minwon/tools/bin/uv pip compile --python-version 3.10 \
	  --python-platform x86_64-manylinux_2_28 rasa.in -o rasa.lock
