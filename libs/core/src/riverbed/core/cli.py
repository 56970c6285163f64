"""The `riverbed` command: a root group whose subcommands each service registers."""

from __future__ import annotations

import logging
import sys
from importlib.metadata import entry_points
from typing import Any

import click

from riverbed.core.errors import RiverbedError
from riverbed.core.logging import configure_logging
from riverbed.core.settings import RiverbedSettings, load_settings

__all__ = ["ENTRY_POINT_GROUP", "PluginGroup", "RiverbedGroup", "main"]

ENTRY_POINT_GROUP = "riverbed.commands"
log = logging.getLogger(__name__)


class PluginGroup(click.Group):
    """A click group that also offers the commands registered under an entry-point group."""

    entry_point_group = ENTRY_POINT_GROUP

    def _plugins(self) -> dict[str, Any]:
        found = {ep.name: ep for ep in entry_points(group=self.entry_point_group)}
        return dict(sorted(found.items()))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None:
            return cmd
        ep = self._plugins().get(cmd_name)
        if ep is None:
            return None
        loaded = ep.load()
        if not isinstance(loaded, click.Command):
            raise click.ClickException(f"entry point {ep.value!r} is not a click command")
        return loaded


class RiverbedGroup(PluginGroup):
    """The root group: services' commands come from `riverbed.commands` entry points."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RiverbedError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=RiverbedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--log-level", default=None, help="Log level (default RIVERBED_LOG_LEVEL or INFO).")
@click.option("--log-json/--no-log-json", default=None, help="Log structured JSON lines.")
@click.pass_context
def root(ctx: click.Context, log_level: str | None, log_json: bool | None) -> None:
    """Riverbed: OLTP APIs, change data capture to OLAP, and batch analytics."""
    overrides: dict[str, object] = {}
    if log_level:
        overrides["log_level"] = log_level
    if log_json is not None:
        overrides["log_json"] = log_json
    try:
        settings = load_settings(RiverbedSettings, **overrides)
    except RiverbedError as exc:
        raise click.ClickException(str(exc)) from exc
    configure_logging(settings.log_level, json_logs=settings.log_json)
    ctx.obj = settings


def main(argv: list[str] | None = None) -> None:
    """Run the riverbed CLI."""
    try:
        root.main(args=argv, prog_name="riverbed")
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
