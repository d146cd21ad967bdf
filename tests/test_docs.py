"""Docs and code agree: every contract column and value is documented, every example file loads cleanly,
every query is documented... and the README shows the two commands first."""

from __future__ import annotations

import re

import pytest

from dashboard.contract import LOGS
from dashboard.ingest import ingest_file
from tests.conftest import ROOT

CONTRACT_DOC = (ROOT / "docs" / "data-contract.md").read_text()


@pytest.mark.parametrize("log", list(LOGS))
def test_every_column_and_value_is_documented(log):
    section = CONTRACT_DOC.split(f"## {log}:")[1].split("\n## ")[0]
    for column in LOGS[log].columns:
        assert f"| `{column.name}` |" in section, f"{log}.{column.name} is not documented"
        for value in column.values:
            assert f"`{value}`" in section, f"{log}.{column.name} value {value} is not documented"


@pytest.mark.parametrize("example", sorted((ROOT / "docs" / "examples").iterdir()), ids=lambda p: p.name)
def test_every_example_file_loads_without_a_rejection(example, db):
    result = ingest_file(str(example), db)
    assert result.exit_code == 0, result
    assert f"examples/{example.name}" in CONTRACT_DOC


def test_every_log_has_an_example():
    names = {p.name.split(".")[0] for p in (ROOT / "docs" / "examples").iterdir()}
    assert names == set(LOGS)


def test_readme_shows_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```(?:sh|bash)?\n(.*?)```", readme, re.S).group(1)
    assert "make run" in first_block and "make test" in first_block


def test_every_cli_command_is_in_the_readme():
    from dashboard.cli import build_parser

    readme = (ROOT / "README.md").read_text()
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for command in sub.choices:
        assert f"python -m dashboard {command}" in readme, command


def test_every_metrics_key_and_rule_is_defined_in_docs():
    from dashboard.findings import RULES
    from dashboard.report import REPORTED

    doc = (ROOT / "docs" / "metrics.md").read_text()
    for area, keys in REPORTED.items():
        for key in keys:
            assert f"| `{key}` |" in doc, f"{area}.{key}"
    for rule in RULES:
        assert f"| `{rule.rule}` | {rule.severity} |" in doc, rule.rule
