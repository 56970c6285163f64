"""Resolve a `riverbed ...` argument list against the real CLI (click's CliRunner)."""

from __future__ import annotations

from itertools import takewhile

from click.testing import CliRunner

from riverbed.core.cli import root

__all__ = ["check_riverbed_command"]


def check_riverbed_command(args: list[str]) -> str:
    """Run `riverbed ARGS --help`; return the usage line, raise AssertionError when invalid."""
    assert args, "empty riverbed command"
    argv = args if args[-1] == "--help" else [*args, "--help"]
    result = CliRunner().invoke(root, argv, prog_name="riverbed")
    assert result.exit_code == 0, f"riverbed {' '.join(args)}: {result.output}{result.exception!r}"
    usage = result.output.splitlines()[0]
    # The words before the first option are the command path click resolved.
    words = list(takewhile(lambda a: not a.startswith("-"), args))
    expected = " ".join(["riverbed", *words])
    assert usage.startswith(f"Usage: {expected}"), (args, usage)
    return usage
