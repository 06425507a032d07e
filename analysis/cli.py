"""The ``socplan`` command line.

Long module (over 600 lines) on purpose: one click group holds every command, and each
command only parses its options, calls the package and turns a SocplanError into a
message; the work lives in the layers below.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd

from analysis.errors import DataValidationError, SocplanError
from analysis.params import DEFAULT_FILES
from analysis.publish.cache import cache_root
from analysis.resources import demo_params_file, methodology_file

# jsonschema, which nbformat imports in every report build, compiles the grammar of the
# rfc3987-syntax package when it is installed (a JupyterLab dependency): 0.7 s per
# command. It serves only the "iri" string formats, which no schema socplan or nbformat
# validates uses; marked absent, it is skipped.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

# Without --params, commands run the demo region: its run file ships with the package and
# its data are where `socplan demo` writes them, relative to the current folder.
DEFAULT_DEMO_DIR = Path("data/demo")


params_option = click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Run parameter file (YAML); default: the demo region, with data in data/demo.",
)
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Data folder (overrides data.dir of the parameter file).",
)


quiet_option = click.option("--quiet", is_flag=True, help="No progress bar.")


def _output_folder(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """An output folder option, refused at once if it is a file, lies under a file or
    cannot be written (before any work starts)."""
    if value is not None:
        from analysis.errors import OutputFolderError
        from analysis.publish.atomic import check_output_folder

        try:
            check_output_folder(value, f"--{param.name.replace('_', '-')}")
        except OutputFolderError as exc:
            raise click.BadParameter(str(exc).split(": ", 1)[1], param=param) from None
    return value


def _output_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """An output file option, refused at once if it is a folder or its folder cannot be
    written (before any work starts)."""
    if value is not None:
        option = f"--{param.name.replace('_', '-')}"
        if value.is_dir():
            raise click.BadParameter(f"{value} is a folder; expected a file", param=param)
        from analysis.errors import OutputFolderError
        from analysis.publish.atomic import check_output_folder

        try:
            check_output_folder(value.parent if str(value.parent) else Path("."), option)
        except OutputFolderError as exc:
            raise click.BadParameter(str(exc).split(": ", 1)[1], param=param) from None
    return value


reports_dir_option = click.option(
    "--reports-dir",
    type=click.Path(path_type=Path),
    callback=_output_folder,
    default=Path("reports"),
    show_default=True,
    help="Where reports/<year>/<region>/ is written.",
)
report_dir_argument = click.argument(
    "report_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
report_data_option = click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="Folder with the report's input data (as the run read them).",
)


methodology_option = click.option(
    "--methodology",
    type=click.Path(path_type=Path),
    default=None,
    help="Methodology parameter file (YAML); default: the methodology shipped with socplan.",
)


def _write_csv(frame: pd.DataFrame, path: Path, **kwargs) -> None:
    """Write a CSV atomically: a failed write leaves no partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    frame.to_csv(tmp, index=False, lineterminator="\n", **kwargs)
    tmp.replace(path)


def _run_files(params_file: Path | None, data_dir: Path | None) -> tuple[Path, Path | None]:
    """The run file and data folder to use: the demo's when no run file is given."""
    if params_file is not None:
        return params_file, data_dir
    return demo_params_file(), data_dir or DEFAULT_DEMO_DIR


MAX_MESSAGE = 4000  # characters of an error message shown; bad input can be huge


def _fail(exc: SocplanError) -> None:
    text = str(exc)
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + f" … (zkráceno, celkem {len(text)} znaků)"
    click.echo(f"error: {text}", err=True)
    sys.exit(2)


def _exit_on_terminate(signum: int, _frame: object) -> None:
    # SIGTERM becomes SystemExit, so that every cleanup (build folder, kernel, pickled
    # dataset) runs as for Ctrl+C, and the previous report stays as it was.
    raise SystemExit(128 + signum)


@click.group()
@click.version_option(package_name="socplan")
def main() -> None:
    """socplan: reproducible planning of social services in Czech regions."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_on_terminate)


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    callback=_output_folder,
    default=DEFAULT_DEMO_DIR,
    show_default=True,
    help="Folder to write the demo data into.",
)
@click.option("--seed", type=int, default=None, help="Random seed (default: the fixed demo seed).")
@click.option("--if-missing", is_flag=True, help="Do nothing when the folder is complete.")
def demo(out: Path, seed: int | None, if_missing: bool) -> None:
    """Generate the fictional demo region "Vzorový kraj"."""
    from analysis.demo import DEFAULT_SEED, generate_demo

    if if_missing and all((out / f).is_file() for f in DEFAULT_FILES.values()):
        click.echo(f"demo data already in {out}")
        return
    path = generate_demo(out, DEFAULT_SEED if seed is None else seed)
    click.echo(f"demo data written to {path}")


@main.command()
@params_option
@data_dir_option
def validate(params_file: Path | None, data_dir: Path | None) -> None:
    """Validate parameters and every input table without running anything."""
    from analysis.data.loading import load_dataset
    from analysis.params import load_run_config

    try:
        config = load_run_config(*_run_files(params_file, data_dir))
        ds = load_dataset(config)
    except SocplanError as exc:
        _fail(exc)
    for row in ds.summary().itertuples(index=False):
        rows = "present" if pd.isna(row.rows) else f"{int(row.rows)} rows"
        click.echo(f"ok  {row.file:40s} {rows:>12s}")
    points = ds.quality.get("plausibility_points")
    for p in [] if points is None else points.itertuples(index=False):
        where = p.file if pd.isna(p.row) else f"{p.file}, row {p.row}"
        click.echo(f"warning: {where}: {p.record} at ({p.lat:g}, {p.lon:g}): {p.rule}")
    register = ds.quality.get("network_register")
    for p in [] if register is None else register.itertuples(index=False):
        click.echo(f"warning: {p.file}, row {p.row}: {p.record}: {p.issue}")


@main.command()
@params_option
@data_dir_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    callback=_output_file,
    required=True,
    help="Workbook to write (.xlsx).",
)
@click.option("--provider", default=None, help="IČO: a workbook of this provider's services only.")
def template(
    params_file: Path | None, data_dir: Path | None, out: Path, provider: str | None
) -> None:
    """Write the region's data workbook, pre-filled from the data folder."""
    from analysis.data.loading import load_dataset
    from analysis.intake.template import build_template, write_template
    from analysis.params import load_run_config

    try:
        config = load_run_config(*_run_files(params_file, data_dir))
        ds = load_dataset(config)
    except SocplanError as exc:
        _fail(exc)
    if provider is not None and provider not in set(ds.services["provider_ico"]):
        raise click.BadParameter(
            f"{provider} is not the IČO of a provider of the data folder's services",
            param_hint="--provider",
        )
    write_template(build_template(ds, config.region.name, config.year, provider), out)
    click.echo(f"workbook written to {out}")


@main.command()
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    callback=_output_folder,
    required=True,
    help="Data folder to write the canonical tables into.",
)
@click.option(
    "--feedback",
    type=click.Path(path_type=Path),
    callback=_output_folder,
    default=None,
    help="Folder for one protocol per workbook (HTML and XLSX) to send back.",
)
@methodology_option
def intake(
    workbooks: tuple[Path, ...], data_dir: Path, feedback: Path | None, methodology: Path | None
) -> None:
    """Read the region's or providers' workbooks into canonical tables (nothing is
    written while any error remains)."""
    from analysis.intake.feedback import write_feedback
    from analysis.intake.load import read_workbooks, write_tables
    from analysis.params import load_methodology

    for path in workbooks:
        if not path.is_file():
            raise click.BadParameter(f"{path} is not a file", param_hint="WORKBOOKS")
    try:
        limits = load_methodology(methodology or methodology_file()).plausibility
    except SocplanError as exc:
        _fail(exc)
    result = read_workbooks(
        list(workbooks),
        data_dir,
        limits.unit_cost_ratio.value,
        limits.staff_per_capacity.value,
        limits.revenue_surplus.value,
    )
    if feedback is not None:
        for path in write_feedback(result, feedback):
            click.echo(f"protocol written to {path}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}")
    if result.problems:
        _fail(DataValidationError(result.problems))
    for path in write_tables(result, data_dir):
        click.echo(f"ok  {path}")


@main.command()
@params_option
@data_dir_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    callback=_output_folder,
    required=True,
    help="Folder of the catalogue; index.html there is replaced only when complete.",
)
def catalogue(params_file: Path | None, data_dir: Path | None, out: Path) -> None:
    """Build the electronic catalogue of the region's registered services (one
    self-contained HTML page, searchable and filterable, works opened from disk)."""
    from analysis.data.loading import load_dataset
    from analysis.params import load_run_config
    from analysis.publish.service_catalogue import render_catalogue, write_catalogue

    try:
        config = load_run_config(*_run_files(params_file, data_dir))
        page = render_catalogue(load_dataset(config), config)
    except SocplanError as exc:
        _fail(exc)
    click.echo(f"catalogue: {write_catalogue(page, out)}")


no_cache_option = click.option(
    "--no-cache",
    is_flag=True,
    help="Compute every chapter and PDF afresh (the build cache lives in "
    "$SOCPLAN_CACHE_DIR/build, else ~/.cache/socplan/build, and may be deleted any time).",
)


executor_option = click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where the tasks run: a local process pool or an existing Dask cluster.",
)
scheduler_option = click.option(
    "--scheduler", default=None, help="Address of the Dask scheduler (--executor dask)."
)


def _remote_executor(executor: str, scheduler: str | None, stack):
    """None for the local pool, else the standard executor of a Dask client that
    ``stack`` closes at the end."""
    if executor == "local":
        return None
    if not scheduler:
        _fail(SocplanError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)"))
    try:
        from distributed import Client
    except ImportError:
        _fail(SocplanError("the Dask executor needs: pip install 'socplan[dask]'"))
    return stack.enter_context(Client(scheduler)).get_executor()


def _build_cache(no_cache: bool) -> Path | None:
    return None if no_cache else cache_root() / "build"


@main.command()
@params_option
@data_dir_option
@reports_dir_option
@no_cache_option
@quiet_option
@click.option(
    "--timings", is_flag=True, help="Print the seconds of each stage (load, chapters, PDF …)."
)
def run(
    params_file: Path | None,
    data_dir: Path | None,
    reports_dir: Path,
    no_cache: bool,
    quiet: bool,
    timings: bool,
) -> None:
    """Build the annual report of one region and year (HTML, PDF, tables, manifest)."""
    from analysis.publish.pipeline import run as run_pipeline
    from analysis.publish.timing import StageClock

    clock = StageClock() if timings else None
    try:
        params_file, data_dir = _run_files(params_file, data_dir)
        folder = run_pipeline(
            params_file, data_dir, reports_dir, not quiet, _build_cache(no_cache), clock=clock
        )
    except SocplanError as exc:
        _fail(exc)
    if clock is not None:
        click.echo(clock.table(), err=True)
    click.echo(f"report: {folder / 'report.html'}")
    click.echo(f"        {folder / 'report.pdf'}")
    click.echo(f"manifest: {folder / 'manifest.json'}")


@main.command()
@report_dir_argument
@report_data_option
def verify(report_dir: Path, data_dir: Path) -> None:
    """Check a published report: input hashes, parameters, and a rerun that must give the
    same tables, figures, notebooks, HTML and PDF. Exits 0 only when all match."""
    import time

    from analysis.publish.verify import verify as verify_report

    start = time.perf_counter()
    try:
        verdict = verify_report(report_dir, data_dir)
    except SocplanError as exc:
        _fail(exc)
    for w in verdict.warnings:
        click.echo(f"upozornění: {w}")
    for d in verdict.differences:
        click.echo(f"rozdíl: {d}")
    seconds = time.perf_counter() - start
    if verdict.ok:
        click.echo(f"ověřeno: zpráva odpovídá vstupům a parametrům ({seconds:.0f} s)")
    else:
        click.echo(f"NEOVĚŘENO: {len(verdict.differences)} rozdílů ({seconds:.0f} s)")
        sys.exit(1)


@main.command()
@click.argument("run_files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "all_regions", is_flag=True, help="Every region of params/regions/.")
@data_dir_option
@reports_dir_option
@click.option(
    "--jobs",
    type=int,
    default=None,
    help="Parallel processes (default: two per core, at most one per run file).",
)
@executor_option
@scheduler_option
@no_cache_option
@quiet_option
def batch(
    run_files: tuple[Path, ...],
    all_regions: bool,
    data_dir: Path | None,
    reports_dir: Path,
    jobs: int | None,
    executor: str,
    scheduler: str | None,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Build the reports of many run files in parallel; one failing region does not stop
    the others. Ends with a summary table and exits 1 if any region failed."""
    from contextlib import ExitStack

    from tqdm import tqdm

    from analysis.data.source_files import shared_reads
    from analysis.publish.batch import run_batch, step_count, summary
    from analysis.resources import regions_dir

    files = list(run_files)
    if all_regions:
        files += sorted(regions_dir().glob("*.yaml"))
    if not files:
        _fail(SocplanError("no run files: name some or use --all"))
    counts = {str(f.resolve()): step_count(f, data_dir) for f in files}
    with ExitStack() as stack:
        pool = _remote_executor(executor, scheduler, stack)
        bar = stack.enter_context(
            tqdm(total=sum(counts.values()), unit="krok", disable=quiet, file=sys.stderr)
        )
        seen = dict.fromkeys(counts, 0)

        def on_step(run_file: str, step: str, cached: bool) -> None:
            seen[run_file] += 1
            bar.set_postfix_str(f"{Path(run_file).stem} {step}{' (cache)' if cached else ''}")
            bar.update()

        def on_done(result) -> None:
            # Steps a failed region never reached, or steps not reported by a remote pool.
            bar.update(max(counts[result.run_file] - seen[result.run_file], 0))
            seen[result.run_file] = counts[result.run_file]

        # The national sources are read once, for the regions and the overview alike.
        stack.enter_context(shared_reads())
        results = run_batch(
            files,
            data_dir,
            reports_dir,
            jobs,
            executor=pool,
            on_done=on_done,
            cache_dir=_build_cache(no_cache),
            on_step=on_step,
        )
        bar.close()
        table = summary(results)
        click.echo(table.to_string(index=False))
        failed = int((table["status"] != "ok").sum())
        click.echo(f"{len(table) - failed} of {len(table)} reports built")
        overview = national_overview(results, data_dir, reports_dir, _build_cache(no_cache))
    if overview is not None:
        click.echo(f"national overview: {overview / 'report.html'}")
    if failed:
        sys.exit(1)


def national_overview(
    results, data_dir: Path | None, reports_dir: Path, cache_dir: Path | None
) -> Path | None:
    """The national overview of the real regions a batch built, when there are two or
    more of one year; a failure is reported and does not hide the batch's results."""
    from analysis.params import load_run_config
    from analysis.publish.cache import BuildCache
    from analysis.publish.manifest import git_commit
    from analysis.publish.national import build_overview
    from analysis.publish.pipeline import SOURCE_ROOT

    try:
        configs = [load_run_config(r.run_file, data_dir) for r in results if r.status == "ok"]
    except SocplanError as exc:
        click.echo(f"national overview failed: {exc}", err=True)
        return None
    real = [c for c in configs if not c.synthetic]
    by_year: dict[int, list] = {}
    for c in real:
        by_year.setdefault(c.year, []).append(c)
    year_configs = max(by_year.values(), key=len, default=[])
    if len(year_configs) < 2:
        return None
    try:
        cache = BuildCache(cache_dir) if cache_dir is not None else None
        commit = git_commit(SOURCE_ROOT)["commit"]
        return build_overview(year_configs, reports_dir, commit, cache=cache)
    except Exception as exc:  # the regions' reports stand; the overview is extra
        click.echo(f"national overview failed: {type(exc).__name__}: {exc}", err=True)
        return None


@main.command()
@report_dir_argument
@report_data_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    callback=_output_folder,
    required=True,
    help="Folder for the review pack.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Cache of chapter reruns (default: $SOCPLAN_CACHE_DIR/review, else "
    "~/.cache/socplan/review).",
)
@click.option("--jobs", type=int, default=None, help="Parallel processes (default: all cores).")
@click.option(
    "--parameter",
    "parameters",
    multiple=True,
    help="Vary only this parameter (section.key; repeatable). Default: every one.",
)
@click.option("--no-verify", is_flag=True, help="Skip the verify rerun of the report.")
@executor_option
@scheduler_option
def review(
    report_dir: Path,
    data_dir: Path,
    out: Path,
    cache_dir: Path | None,
    jobs: int | None,
    parameters: tuple[str, ...],
    no_verify: bool,
    executor: str,
    scheduler: str | None,
) -> None:
    """Opponent review pack of a published report: assumptions log, data log,
    sensitivity analysis with tornado charts, pre-filled review template (Markdown and
    Word), all as review.html and review.pdf."""
    from contextlib import ExitStack

    from analysis.review.pack import build_review

    try:
        with ExitStack() as stack:
            result = build_review(
                report_dir,
                data_dir,
                out,
                cache_dir or cache_root() / "review",
                jobs,
                list(parameters) or None,
                run_verify=not no_verify,
                executor=_remote_executor(executor, scheduler, stack),
            )
    except SocplanError as exc:
        _fail(exc)
    times = ", ".join(f"{k} {v:.0f} s" for k, v in result.seconds.items())
    click.echo(
        f"review pack: {result.out} ({result.runs_total} chapter reruns, "
        f"{result.runs_computed} computed, the rest from the cache; {times})"
    )
    if result.verdict is not None and not result.verdict.ok:
        click.echo(f"NEOVĚŘENO: {len(result.verdict.differences)} rozdílů (see review.pdf)")


@main.command()
@click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Methodology file, or a run file whose methodology to document "
    "(default: the methodology shipped with socplan).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    callback=_output_folder,
    required=True,
    help="Folder for methodology.html and methodology.pdf.",
)
def methodology(params_file: Path | None, out: Path) -> None:
    """Methodology report generated from the parameters, the source catalogue and the
    methods' documentation: every parameter, formula and data source."""
    from analysis.params import methodology_file_of
    from analysis.review.methodology_report import build_methodology_report

    try:
        m_file = methodology_file_of(params_file) if params_file else methodology_file()
        html_file, pdf_file = build_methodology_report(m_file, out)
    except SocplanError as exc:
        _fail(exc)
    click.echo(f"methodology report: {html_file}")
    click.echo(f"                    {pdf_file}")


@main.command()
@click.argument("source_ids", nargs=-1)
@click.option(
    "--to",
    "to",
    type=click.Path(path_type=Path),
    required=True,
    help="Data folder to download into (laid out as in params/sources.yaml).",
)
def fetch(source_ids: tuple[str, ...], to: Path) -> None:
    """Download open-data sources of params/sources.yaml (all downloadable ones by
    default), verify them and place them atomically."""
    from analysis.catalogue import load_catalogue
    from analysis.data.fetch import FetchError, fetch_source

    try:
        catalogue = load_catalogue().sources
    except SocplanError as exc:
        _fail(exc)
    unknown = [s for s in source_ids if s not in catalogue]
    if unknown:
        _fail(SocplanError(f"unknown source(s) {unknown}; known: {sorted(catalogue)}"))
    chosen = source_ids or tuple(k for k, v in catalogue.items() if v.url)
    failed = 0
    for sid in chosen:
        try:
            dest = fetch_source(sid, catalogue[sid], to)
        except FetchError as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
            continue
        click.echo(f"ok  {sid:28s} {dest}")
    skipped = [k for k, v in catalogue.items() if not v.url and not source_ids]
    if skipped:
        click.echo(f"not downloadable (see params/sources.yaml): {', '.join(skipped)}")
    if failed:
        sys.exit(1)


@main.command()
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder laid out like ../shared/data/raw (ČSÚ ages 2023, WPP 2024).",
)
@click.option(
    "--area",
    default="CZ",
    show_default=True,
    help="Area to project (single-age data exist for the country, CZ).",
)
@click.option("--base-year", type=int, default=2023, show_default=True)
@click.option("--to", "to_year", type=int, default=2050, show_default=True)
@click.option(
    "--variant", type=click.Choice(["low", "middle", "high"]), default="middle", show_default=True
)
@methodology_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    callback=_output_file,
    required=True,
    help="CSV with year, sex, age, population (age 100 = 100+).",
)
def project(
    data_dir: Path,
    area: str,
    base_year: int,
    to_year: int,
    variant: str,
    methodology: Path | None,
    out: Path,
) -> None:
    """Cohort-component projection by sex and single year of age."""
    from analysis.data.open_data import NATIONAL_SOURCES, read_national_inputs
    from analysis.data.source_files import SourceFiles
    from analysis.methods.national_projection import age_group_totals, national_projection
    from analysis.params import load_methodology

    try:
        if area != "CZ":
            raise SocplanError(f"--area {area}: single-age base data exist only for CZ")
        m = load_methodology(methodology or methodology_file())
        files = SourceFiles(data_dir)
        inputs = read_national_inputs(files, m.projection.migration_profile_period.value)
        if inputs is None:
            missing = [s for s in NATIONAL_SOURCES if not files.exists(s)]
            raise SocplanError(f"{data_dir}: national projection inputs missing: {missing}")
        if base_year != inputs.base_year:
            raise SocplanError(
                f"the observed single-age population is only available for "
                f"1 Jan {inputs.base_year}; got --base-year {base_year}"
            )
        long, _ = national_projection(inputs, m, to_year, variant)
    except SocplanError as exc:
        _fail(exc)
    long = long.assign(population=long["population"].round(1))
    _write_csv(long, out)
    ages = m.ages
    seniors, oldest = ages.seniors_min_age.value, ages.oldest_old_min_age.value
    o65, o80 = age_group_totals(long, seniors), age_group_totals(long, oldest)
    click.echo(f"projection {area} {base_year}–{to_year} ({variant}) written to {out}")
    decades = range((base_year // 10 + 1) * 10, to_year + 1, 10)
    for year in sorted({base_year, *decades, to_year}):
        click.echo(
            f"  {year}: total {long.loc[long['year'] == year, 'population'].sum():,.0f}"
            f", {seniors}+ {o65[year]:,.0f}, {oldest}+ {o80[year]:,.0f}"
        )


@main.command()
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder laid out like ../shared/data/raw (municipal series, ČSÚ table).",
)
@click.option("--base-year", type=int, required=True)
@click.option("--horizon", type=int, default=3, show_default=True)
@methodology_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    callback=_output_file,
    default=None,
    help="CSV of every ORP's projection: orp, year, method, population.",
)
@click.option(
    "--errors-out",
    type=click.Path(path_type=Path),
    callback=_output_file,
    default=None,
    help="CSV of the error table (MAPE % by method and horizon).",
)
def backtest(
    data_dir: Path,
    base_year: int,
    horizon: int,
    methodology: Path | None,
    out: Path | None,
    errors_out: Path | None,
) -> None:
    """Project ORP totals from data up to BASE-YEAR and score them on later years."""
    from analysis.data.source_files import SourceFiles
    from analysis.methods.backtest import orp_series, run_backtest
    from analysis.params import load_methodology
    from analysis.readers.territory import read_cr_municipalities, read_population_series

    try:
        p = load_methodology(methodology or methodology_file()).projection
        files = SourceFiles(data_dir)
        cr = files.read("cr_municipalities", read_cr_municipalities)
        wide, info = orp_series(cr, files.read("population_series", read_population_series))
        long, errors = run_backtest(
            wide,
            base_year,
            horizon,
            p.trend_shrink.value,
            p.trend_damping.value,
            p.backtest_window.value,
        )
    except (SocplanError, ValueError) as exc:
        _fail(SocplanError(str(exc)))
    click.echo(
        f"ORP areas: {len(wide)}; municipalities not in the crosswalk dropped: "
        f"{info['dropped_municipalities']}"
    )
    click.echo(f"MAPE (%) of ORP totals, base {base_year}:")
    click.echo(
        errors.round(3).to_string()
        if len(errors.columns)
        else "  (no later year in the data to score)"
    )
    for path, frame in ((out, long), (errors_out, errors.rename_axis("method").reset_index())):
        if path is not None:
            _write_csv(frame, path, float_format="%.3f")
            click.echo(f"written {path}")


if __name__ == "__main__":
    main()
