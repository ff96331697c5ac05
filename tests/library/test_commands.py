"""The library's CLI: import files and folders, list guidelines and networks."""

from tests.conftest import corpus_path


def test_import_folder_reports_imported_skipped_and_refused(runner, tmp_path):
    (tmp_path / "alpha.md").write_text("# Alpha\n\ntext\n", encoding="utf-8")
    (tmp_path / "beta.md").write_text("---\ntitle: Beta guide\nversion: '2'\n---\n# B\n")
    (tmp_path / "broken.md").write_bytes(b"# Broken \xff\n")
    (tmp_path / "notes.txt").write_text("not markdown")
    result = runner.invoke(args=["guidelines", "import", str(tmp_path)])
    assert "2 imported, 0 skipped (already present), 1 refused." in result.output
    assert "broken.md: " in result.output and "not valid UTF-8" in result.output
    assert result.exit_code == 1

    listing = runner.invoke(args=["guidelines", "list"]).output
    assert "alpha\t-\tAlpha\tversions: 1" in listing
    assert "beta\t-\tBeta guide\tversions: 2" in listing


def test_import_again_skips_and_names_the_version(runner, tmp_path):
    path = tmp_path / "gamma.md"
    path.write_text("# Gamma\n")
    runner.invoke(args=["guidelines", "import", str(path)])
    result = runner.invoke(args=["guidelines", "import", str(path)])
    assert "already present as gamma version 1" in result.output
    assert "0 imported, 1 skipped" in result.output
    assert result.exit_code == 0


def test_import_with_options(runner, tmp_path):
    path = tmp_path / "x.md"
    path.write_text("# Whatever\n")
    args = [
        "guidelines",
        "import",
        str(path),
        "--slug",
        "oi-adults",
        "--version",
        "3.0",
        "--title",
        "OI in adults",
        "--ern",
        "BOND",
    ]
    assert runner.invoke(args=args).exit_code == 0
    assert (
        "oi-adults\tBOND\tOI in adults\tversions: 3.0"
        in runner.invoke(args=["guidelines", "list"]).output
    )


def test_version_option_needs_a_single_file(runner, tmp_path):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(f"# {name}\n")
    result = runner.invoke(args=["guidelines", "import", str(tmp_path), "--version", "2"])
    assert result.exit_code == 2
    assert "--version names one version" in result.output


def test_import_whole_corpus_history_as_versions(runner):
    folder = corpus_path("versions", "hl7-cpg-examples-chf")
    files = sorted(folder.glob("v*.md"))
    for path in files:
        result = runner.invoke(
            args=["guidelines", "import", str(path), "--slug", "chf", "--version", path.stem]
        )
        assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["guidelines", "list"]).output
    assert "versions: " + ", ".join(p.stem for p in files) in listing


def test_networks_list_shows_the_five_flemish_networks_and_their_erns(runner):
    output = runner.invoke(args=["networks", "list"]).output
    codes = [line.split("\t")[0] for line in output.splitlines()]
    assert codes == [
        "bindweefsel-musculoskeletaal",
        "bot",
        "metabole-aandoeningen",
        "multisysteem-vasculair-en-hart",
        "neuromusculaire-aandoeningen",
    ]
    assert "bot\tBot\tfollows: BOND" in output
