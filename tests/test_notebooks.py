"""The notebooks run top to bottom (headless, from the notebooks/ folder) and carry no outputs.

The three notebooks execute concurrently, each in its own kernel (about 15 s in all on two
cores). They are marked ``slow``: deselect them with ``-m "not slow"`` for a quick run; CI runs
them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["quickstart", "annual_ranking", "member_state_self_check"]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_committed_without_outputs(name):
    book = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(book)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    stale = [i for i, c in enumerate(code) if c.outputs or c.execution_count is not None]
    assert not stale, f"{name}.ipynb has outputs in code cells {stale}; clear them"


def test_every_notebook_is_tested():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)


@pytest.fixture(scope="module")
def executed() -> dict:
    """Run every notebook at once; name → executed notebook, or the exception it raised."""

    async def run(name: str):
        book = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        client = nbclient.NotebookClient(book, timeout=180, kernel_name="python3",
                                         resources={"metadata": {"path": str(NOTEBOOKS)}})
        await client.async_execute()
        return book

    async def run_all():
        return await asyncio.gather(*(run(n) for n in NAMES), return_exceptions=True)

    return dict(zip(NAMES, asyncio.run(run_all())))


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes(name, executed):
    book = executed[name]
    if isinstance(book, BaseException):
        raise book  # CellExecutionError names the cell and shows the traceback
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plots were drawn
