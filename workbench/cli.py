"""The ``workbench`` command. Each command parses options, calls the library, and turns a
:class:`~workbench.errors.WorkbenchError` into a clean message and exit code (2)."""

from __future__ import annotations

import functools
import json
import sys
import time

import click
import pandas as pd

from workbench import __version__
from workbench.errors import WorkbenchError
from workbench.ingest import load_corpus


def parse_columns(ctx, param, values) -> dict[str, str] | None:
    """``--columns body_html=text,headline2=title`` (repeatable) -> ``{"body_html": "text", "headline2": "title"}``."""
    from workbench.readers.table import COLUMN_NAMES

    mapping: dict[str, str] = {}
    for value in values:
        for pair in filter(None, (p.strip() for p in value.split(","))):
            theirs, sep, ours = (part.strip() for part in pair.partition("="))
            if not sep or not theirs or not ours:
                raise click.BadParameter(
                    f"{pair!r} is not THEIR_COLUMN=ARTICLE_COLUMN (e.g. body_html=text)", ctx=ctx, param=param
                )
            if ours not in COLUMN_NAMES:
                raise click.BadParameter(
                    f"{ours!r} is not an article column; one of: {', '.join(COLUMN_NAMES)}", ctx=ctx, param=param
                )
            mapping[theirs] = ours
    return mapping or None


def parse_storage_options(ctx, param, values) -> dict | None:
    """``--storage-option anon=true --storage-option client_kwargs={"region_name": "eu-west-1"}`` -> a dict."""
    options: dict = {}
    for value in values:
        key, sep, raw = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE (e.g. anon=true)", ctx=ctx, param=param)
        try:
            options[key.strip()] = json.loads(raw)
        except ValueError:
            options[key.strip()] = raw
    return options or None


COLUMNS_HELP = "Map a table's column to an article column, e.g. body_html=text (repeat, or separate with commas)."


def corpus_options(func):
    """Options shared by every command that loads a corpus."""

    @click.argument("path", required=False, type=click.Path(path_type=str))
    @click.option(
        "--format",
        "format_",
        default="auto",
        show_default=True,
        help="Corpus format: auto, seed, table, manifest, timeml.",
    )
    @click.option("--columns", multiple=True, callback=parse_columns, metavar="THEIRS=OURS", help=COLUMNS_HELP)
    @click.option("--no-cache", is_flag=True, help="Parse every file again instead of reusing the cache.")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def clean_errors(func):
    """Print a WorkbenchError as one line on stderr and exit 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except WorkbenchError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbench")
def main() -> None:
    """News Workbench: entities, attributions and timelines of a corpus of news articles."""


@main.command()
@corpus_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--tables",
    "with_tables",
    is_flag=True,
    help="Also bring every derived table up to date in the cache (the rows of new or changed articles), so that "
    "notebooks and reports start warm.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Read the new files and compute every derived table on this Dask scheduler (tcp://HOST:8786).",
)
@click.option(
    "--storage-option",
    "storage_options",
    multiple=True,
    callback=parse_storage_options,
    metavar="KEY=VALUE",
    help="For a corpus at a URL (s3://bucket/news/): an option of its fsspec file system, e.g. anon=true "
    "(repeat; a VALUE that reads as JSON is taken as such).",
)
@click.option(
    "--cache",
    "cache_at",
    default=None,
    metavar="FOLDER|URL",
    help="The cache: a folder, or an fsspec URL (s3://bucket/cache) shared by machines and Dask workers "
    "(default: $WORKBENCH_CACHE).",
)
@click.option(
    "--cache-option",
    "cache_options",
    multiple=True,
    callback=parse_storage_options,
    metavar="KEY=VALUE",
    help="For a cache at a URL: an option of its fsspec file system (repeat; as --storage-option).",
)
@clean_errors
def ingest(path, format_, columns, no_cache, as_json, with_tables, scheduler, storage_options, cache_at, cache_options):
    """Load PATH or URL (default: the configured corpus, seeds/) into the cache and print a summary."""
    engine = {"engine": "dask", "scheduler": scheduler} if scheduler else {}
    if storage_options:
        engine["storage_options"] = storage_options
    if cache_options:
        engine["cache_options"] = cache_options
    if no_cache and cache_at:
        raise WorkbenchError("--cache and --no-cache contradict each other")
    cache = False if no_cache else cache_at or True
    corpus = load_corpus(path, format=format_, columns=columns, cache=cache, progress=None, **engine)
    started = time.perf_counter()
    computed = corpus.update() if with_tables and not scheduler else {}  # the dask engine computed them already
    summary = corpus.summary()
    if with_tables:
        summary["tables_computed"] = computed
        summary["tables_seconds"] = round(time.perf_counter() - started, 3)
    if as_json:
        click.echo(json.dumps(summary, default=str, indent=1))
        return
    first, last = summary["first"], summary["last"]
    span = f"{first:%Y-%m-%d} .. {last:%Y-%m-%d}" if pd.notna(first) else "unknown"
    click.echo(f"corpus     {summary['root']}")
    click.echo(f"articles   {summary['articles']:,} ({summary['words']:,} words, {summary['duplicates']} duplicates)")
    click.echo(f"outlets    {summary['outlets']}")
    click.echo(f"dates      {span}")
    click.echo(f"problems   {summary['errors']} errors, {summary['warnings']} warnings")
    for reason, count in sorted(summary["problems_by_reason"].items()):
        click.echo(f"  {reason:<16}{count}")
    for name, count in computed.items():
        click.echo(f"table      {name}: {count:,} articles computed")
    if with_tables:
        click.echo(f"tables in  {summary['tables_seconds']:.2f} s")
    click.echo(f"seconds    {summary['seconds']:.2f}")


@main.command()
@corpus_options
@clean_errors
def check(path, format_, columns, no_cache):
    """List every problem in PATH; exit 1 when any is an error (warnings alone exit 0)."""
    corpus = load_corpus(path, format=format_, columns=columns, cache=not no_cache)
    errors = corpus.errors
    for row in errors.itertuples():
        where = row.path if pd.isna(row.line) else f"{row.path}:{row.line}"
        click.echo(f"{where}: {row.severity}: {row.reason}: {row.detail}")
    n_errors = int((errors["severity"] == "error").sum())
    click.echo(f"{len(corpus)} articles loaded; {n_errors} errors, {len(errors) - n_errors} warnings", err=True)
    sys.exit(1 if n_errors else 0)


@main.command()
@click.argument("notebooks", nargs=-1)
@click.option(
    "--corpus", type=click.Path(path_type=str), help="Corpus folder or file (sets the notebooks' corpus parameter)."
)
@click.option("--from", "start", metavar="DATE", help="First publication day analysed (sets start).")
@click.option("--to", "end", metavar="DATE", help="Last publication day analysed (sets end).")
@click.option(
    "--columns",
    multiple=True,
    callback=parse_columns,
    metavar="THEIRS=OURS",
    help=COLUMNS_HELP + " Sets the columns parameter.",
)
@click.option(
    "-p",
    "--parameter",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Set a notebook parameter (YAML value); NOTEBOOK:NAME sets it for one notebook.",
)
@click.option(
    "-f", "--parameters-file", type=click.Path(dir_okay=False, path_type=str), help="YAML file of parameters."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=str),
    help="Reports folder (default: reports/). Must be new, empty, or a folder the workbench made.",
)
@click.option(
    "--if-changed",
    is_flag=True,
    help="Skip when corpus content, parameters, notebooks and code equal the latest successful run's.",
)
@click.option("--fail-fast", is_flag=True, help="Stop starting notebooks after the first failure.")
@click.option("--jobs", type=click.IntRange(1), default=2, show_default=True, help="Notebooks executed at once.")
@click.option(
    "--wait",
    "wait_seconds",
    type=click.FloatRange(0),
    default=0,
    show_default=True,
    help="Seconds to wait when another run holds the lock (default: exit at once).",
)
@click.option(
    "--keep",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="After the run, delete all but the KEEP newest runs this workbench made here "
    "(latest is always kept); 0 keeps every run.",
)
@click.option(
    "--self-contained", is_flag=True, help="Inline plotly.js in each report: one file to e-mail (about 5 MB more each)."
)
@click.option(
    "--full-data",
    is_flag=True,
    help="Write every row of the data behind each chart and table under data/ (default: the run's data stays "
    "under 1 MB; a larger table is written as its first rows and its link says so).",
)
@clean_errors
def report(
    notebooks,
    corpus,
    start,
    end,
    columns,
    params,
    parameters_file,
    out,
    if_changed,
    fail_fast,
    jobs,
    wait_seconds,
    keep,
    self_contained,
    full_data,
):
    """Run NOTEBOOKS (default: every report notebook in notebooks/) and write offline HTML reports.

    Each run goes to reports/<run-id>/ (renamed into place when complete); reports/index.html lists
    the runs and reports/latest points at the newest successful one. Exits 1 when a notebook fails.
    """
    # nbformat's jsonschema imports rfc3987_syntax only to check "iri" formats, which notebooks never use, and
    # building its grammar costs 2-3 s per command: skip it in this short-lived process (not in the library).
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from workbench import reports

    common, per_notebook = reports.parameters_from_options(
        params, file=parameters_file, corpus=corpus, start=start, end=end
    )
    if columns:
        common["columns"] = columns
    result = reports.run_reports(
        notebooks, out=out, parameters=common, notebook_overrides=per_notebook, if_changed=if_changed,
        fail_fast=fail_fast, jobs=jobs, wait_seconds=wait_seconds, keep=keep or None, self_contained=self_contained,
        full_data=full_data, echo=click.echo,
    )  # fmt: skip
    if result.status == "skipped":
        return
    folder = result.folder
    if result.failed:
        names = ", ".join(n.name for n in result.failed)
        click.echo(
            f"run {result.run_id} FAILED ({names}); kept in {folder}; earlier runs and latest untouched", err=True
        )
        sys.exit(1)
    click.echo(
        f"run {result.run_id}: {len(result.notebooks)} reports in {folder} ({result.seconds:.1f} s); "
        f"index: {folder.parent / 'index.html'}"
    )


if __name__ == "__main__":
    main()
