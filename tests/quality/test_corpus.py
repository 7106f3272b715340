"""The personal-data gate on its labelled corpus (tests/quality/corpus/, ≥ 300 columns): recall
1.0 on direct identifiers and precision ≥ 0.98 on every kind, with the confusion table printed
(`pytest -s`, or `python -m tests.quality.corpus.evaluate`)."""

import pytest

from tests.quality.corpus import evaluate, generate

PRECISION_FLOOR = 0.98
NAME_RECALL_FLOOR = 0.95  # names outside the curated lists are in the corpus on purpose


@pytest.fixture(scope="module")
def corpus():
    entries = evaluate.load()
    return entries, evaluate.confusion(entries)


def test_the_corpus_is_large_and_covers_every_kind(corpus):
    entries, table = corpus
    assert len(entries) >= 300
    negatives = [e for e in entries if not e.label]
    assert len(negatives) >= 150
    for kind in evaluate.DIRECT_IDENTIFIERS:
        assert table[kind].tp + table[kind].fn >= 20, kind


def test_floors(corpus):
    entries, table = corpus
    print("\n" + evaluate.markdown(table, len(entries)))
    for kind in evaluate.DIRECT_IDENTIFIERS:
        cell = table[kind]
        assert cell.recall == 1.0, (kind, [(e.file, e.header, e.values) for e in cell.misses])
    for kind, cell in table.items():
        assert cell.precision >= PRECISION_FLOOR, (
            kind,
            [(e.file, e.header, e.values) for e in cell.false_alarms],
        )
    assert table["nombre"].recall >= NAME_RECALL_FLOOR


def test_the_generated_families_are_what_the_generator_writes(tmp_path):
    """Nobody hand-edited a generated file (edit generate.py, or a_mano.yaml)."""
    families = generate.generate(tmp_path)
    for name in families:
        expected = (tmp_path / f"{name}.yaml").read_text("utf-8")
        assert (evaluate.HERE / f"{name}.yaml").read_text("utf-8") == expected, name
