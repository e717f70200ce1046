"""``hub census compile --year 2025-26 --out DIR``: every census file for a year, checked.

Reads the records (``census_sources``: the topics by default, or the hub store with
``--from database``), builds the additional-services return (CSV and XML), the consent-
limited counts, the CIN census XML and the data-quality report (JSON and HTML), runs the DfE
validator on the CIN XML when its venv exists (``cin_validation.json``), checks the CIN XML
against the year's XML Schema (``cin_schema_errors.json``), and writes ``manifest.json`` with
every file's SHA-256. Same topics, same bytes.

Exit codes: 0 written, valid against the XML Schema and (unless ``--no-validate``) the DfE
validator found no error; 1 the records cannot be read, a file would be malformed (nothing
written), or the CIN XML breaks its XML Schema (the DfE's system would refuse it; the files
are written, to look at); 2 bad options, or no hub store to read (``--from database``); 3 the
validator found errors; 4 the validator could not run (no venv, or it crashed). The files
are written for 3 and 4 so they can be inspected, but the return is not ready to send.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.base import MalformedFileError
from hub import bootstrap
from hub.census import signoff
from hub.census.cin.elements import UnsafeXmlError
from hub.config import Settings, load_settings
from hub.domain.episodes.years import CensusYear
from hub.entrypoints.cli.app import app
from hub.entrypoints.cli.census_sources import (
    DECISIONS,
    RECORDS,
    Read,
    SourceError,
    from_csc_export,
    from_database,
    from_topics,
    linked_from_decisions,
)
from hub.ports import (
    SchemaCatalogueError,
    SchemaUnavailableError,
    ValidationReport,
    ValidatorUnavailableError,
)
from hub.usecases.census_compile import Compiled, PreviousReturn, Validate, compile_census

census_app = typer.Typer(help="Compile the census returns for a year.", no_args_is_help=True)
app.add_typer(census_app, name="census")
out, err = Console(highlight=False), Console(stderr=True, highlight=False)


class From(StrEnum):
    TOPICS = "topics"
    DATABASE = "database"


def _read(source: From, csc_export: Path | None) -> Read:
    settings, read = load_settings(), Read()
    names = [n for n in RECORDS if source is From.TOPICS or n == "CscStatusChanged"]
    names = [n for n in names if not (csc_export and n == "CscStatusChanged") and n != "Linked"]
    if source is From.TOPICS:
        names.append(DECISIONS)
    try:
        if source is From.DATABASE:
            from_database(settings, read)
        if csc_export is not None:
            from_csc_export(csc_export, read)
        codec = bootstrap.codec(settings)
        hub_names = [n for n in names if n != "CscStatusChanged"]
        if hub_names:
            specs = list(bootstrap.topic_specs(settings))
            from_topics(settings.kafka, specs, codec, hub_names, read)
        if "CscStatusChanged" in names:  # a source: a replay reads the original namespace's
            specs = list(bootstrap.input_specs(settings))
            from_topics(settings.kafka, specs, codec, ["CscStatusChanged"], read)
        if source is From.TOPICS:
            linked_from_decisions(read)
    except (SourceError, MalformedFileError, SchemaCatalogueError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    return read


def _validator(say: Callable[[str], None]) -> Validate | None:
    validate = bootstrap.dfe_validator()
    if validate is None:
        err.print(f"DfE validator not run: no venv at {bootstrap.dfe_validator_venv()} "
                  "(docs/census.md says how to make one)")
        return None

    def run(xml: bytes, year: CensusYear) -> ValidationReport | None:
        say("running the DfE validator on the CIN XML")
        try:
            return validate(xml, year)
        except ValidatorUnavailableError as exc:
            err.print(f"[yellow]DfE validator could not run:[/yellow] {escape(str(exc))}")
            return None

    return run


def _schema_check(settings: Settings) -> Callable[[bytes, CensusYear], list[str]]:
    schema_errors = bootstrap.cin_schema_check(settings)

    def check(xml: bytes, year: CensusYear) -> list[str]:
        try:
            return schema_errors(xml, year)
        except SchemaUnavailableError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None

    return check


def _schema_verdict(compiled: Compiled) -> None:
    """Exit 1, saying why, when the CIN XML breaks its XML Schema."""
    problems = compiled.records.get("cin_schema_errors.json", 0)
    if not problems:
        out.print("XML Schema: [green]the CIN census XML is valid[/green]")
        return
    listed = json.loads(compiled.files["cin_schema_errors.json"])["problems"]
    err.print(f"[red]error:[/red] the CIN census XML breaks its XML Schema in {problems:,} "
              "places (cin_schema_errors.json); the DfE's system would refuse it. First:")
    for problem in listed[:5]:
        err.print(f"  {escape(problem)}", soft_wrap=True)
    raise typer.Exit(1)


def _summary(compiled: Compiled, read: Read, folder: Path) -> None:
    for name, origin in sorted(read.origin.items()):
        out.print(f"{len(read.records[name]):>9,} {name} from {escape(origin)}")
    if "ServiceEpisode" in read.origin and not read.records["ServiceEpisode"]:
        out.print("[yellow]no service episodes[/yellow]: has the worker run (hub worker)?")
    if read.skipped:
        out.print(f"[yellow]{read.skipped:,} records skipped[/yellow] (undecodable, unexpected "
                  "or rejected rows)")
    table = Table("file", "records", "bytes", "sha256", title=f"Census files in {folder}")
    for name, data in sorted(compiled.files.items()):
        records = compiled.records.get(name)
        table.add_row(name, "" if records is None else f"{records:,}", f"{len(data):,}",
                      hashlib.sha256(data).hexdigest()[:16])
    out.print(table)
    counts = compiled.counts
    out.print(", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in counts.items()
                        if not k.startswith("validator")))
    if "validator_errors" in counts:
        colour = "red" if counts["validator_errors"] else "green"
        out.print(f"DfE validator: [{colour}]{counts['validator_errors']:,} errors[/{colour}], "
                  f"{counts['validator_queries']:,} queries (cin_validation.json)")


@census_app.command("compile")
def compile_command(
    *,
    year: str = typer.Option(..., "--year", help="census year, e.g. 2025-26 (April to March)"),
    folder: Path = typer.Option(..., "--out", help="folder the files are written to"),
    source: From = typer.Option(From.TOPICS, "--from", help="read the topics or the hub store"),
    csc_export: Path | None = typer.Option(
        None, "--csc-export", exists=True, dir_okay=False,
        help="read CSC status events from this CSC export, not the CSC topic"),
    la_code: str = typer.Option("938", "--la-code", envvar="HUB_LA_CODE", help="DfE LA number"),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="run the DfE validator"),
    previous: Path | None = typer.Option(
        None, "--previous", file_okay=False,
        help="last year's census folder, to compare with in the sign-off pack (default: "
        "census-<last year> beside --out, when it holds a return)"),
) -> None:
    """Write the census files for a year, a quality report, a validation and a manifest."""
    try:
        census_year = CensusYear.parse(year)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--year") from None
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, disable=not err.is_terminal, transient=True) as progress:
        task = progress.add_task("reading the records", total=None)

        def say(text: str) -> None:
            progress.update(task, description=text)

        read = _read(source, csc_export)
        say("building the census files")
        validator = _validator(say) if validate else None
        try:
            settings = load_settings()
            compiled = compile_census(
                read.inputs(), census_year, folder, la_code=la_code, validate=validator,
                check_schema=_schema_check(settings),
                receipts=_receipts(settings), previous=_previous(folder, census_year, previous),
            )
        except UnsafeXmlError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}; nothing written", soft_wrap=True)
            raise typer.Exit(1) from None
    _summary(compiled, read, folder)
    _schema_verdict(compiled)
    if validate:
        _verdict(compiled)


def _receipts(settings: Settings) -> signoff.Receipts:
    """The receipts ``hub connect`` left for the sources' namespace."""
    found = bootstrap.read_receipts(settings)
    return signoff.Receipts(found.receipts, found.found, found.unreadable)


def _previous(folder: Path, year: CensusYear, given: Path | None) -> PreviousReturn | None:
    """Last year's return: ``--previous``, else ``census-<last year>`` beside ``--out``."""
    last = CensusYear(year.start_year - 1)
    chosen = given or folder.parent / f"census-{last.label}"
    csv = chosen / "additional_services.csv"
    if not csv.is_file():
        if given is not None:
            err.print(f"[yellow]no additional_services.csv in {escape(str(given))}[/yellow]: "
                      "the sign-off pack has no comparison")
        return None
    return PreviousReturn(last, csv.read_bytes())


def _verdict(compiled: Compiled) -> None:
    """Exit 4 when the validator did not run, 3 when it found errors (see the docstring)."""
    errors = compiled.counts.get("validator_errors")
    if errors is None:
        err.print("[red]not ready:[/red] the DfE validator could not run, so the CIN census"
                  " XML is unchecked (--no-validate to skip it on purpose)")
        raise typer.Exit(4)
    if errors:
        err.print(f"[red]not ready:[/red] the DfE validator found {errors:,} errors"
                  " (cin_validation.json)")
        raise typer.Exit(3)
