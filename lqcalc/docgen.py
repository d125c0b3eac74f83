"""Generate docs/cli.md from the click commands: ``python -m lqcalc.docgen [--check] [PATH]``.

The page holds the ``--help`` text of ``lqcalc`` and of every subcommand, exactly as the
command line prints it in a terminal 100 columns wide, so it can never say something the program does not.
``--check`` exits 1 when the file differs from what would be generated (used by the tests).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

WIDTH = 100
HEADER = """\
# lqcalc command-line reference

Generated from the program itself by `python -m lqcalc.docgen`; do not edit by hand (a test
checks that this page matches `--help`). Exit codes of every command: 0 success,
1 internal error, 2 usage error, 3 invalid data.

"""


def _help(command: click.Command, name: str, parent: click.Context | None) -> tuple[str, click.Context]:
    ctx = command.make_context(name, [], parent=parent, resilient_parsing=True, terminal_width=WIDTH)
    return command.get_help(ctx), ctx


def generate() -> str:
    """The Markdown text of docs/cli.md.

    >>> text = generate()
    >>> text.startswith("# lqcalc command-line reference") and "## lqcalc sql" in text
    True
    """
    from lqcalc.cli import main

    top, ctx = _help(main, "lqcalc", None)
    parts = [HEADER, "## lqcalc\n\n```text\n" + top.rstrip() + "\n```\n"]
    for name in sorted(main.list_commands(ctx)):
        command = main.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        text, _ = _help(command, name, ctx)
        parts.append(f"\n## lqcalc {name}\n\n```text\n{text.rstrip()}\n```\n")
    return "".join(parts)


def default_path() -> Path:
    """docs/cli.md of the source checkout."""
    return Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    path = Path(args[0]) if args else default_path()
    text = generate()
    if check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            print(f"{path} is out of date: run `python -m lqcalc.docgen`", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
